/** Types for the Prometheus text-format parser the metrics test uses (the package ships none). */
declare module 'parse-prometheus-text-format' {
  /** One metric family as the parser returns it. */
  interface ParsedFamily {
    name: string;
    help: string;
    type: string;
    metrics: Array<{
      labels?: Record<string, string>;
      value?: string;
      count?: string;
      buckets?: Record<string, string>;
    }>;
  }
  /** Parses Prometheus exposition text; throws on malformed input. */
  export default function parsePrometheusTextFormat(text: string): ParsedFamily[];
}
