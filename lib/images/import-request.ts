/** What `razor image add` is asked to import. */
/** What to import: `path` is an ISO, a directory, or the http(s) URL of a remote mirror. */
export interface ImportRequest {
  /** An image type of the catalog. */
  type: string;
  path: string;
  name?: string;
  version?: string;
  kernel?: string;
  initrd?: string;
}
