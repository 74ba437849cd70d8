/**
 * The shapes of stored documents, shared by the slices and the provisioning engine.
 */
import type { Doc } from '../store/store.js';
import type { TagMatcher } from '../tags/tag-rules.js';

/** One entry of an active model's log. */
export interface ActiveModelLogEntry {
  at: string;
  old_state: string;
  state: string;
  action: string;
  result: string;
}

/** Static addressing of a node from its model's IP pool. */
export interface PoolAddress {
  address: string;
  netmask: string;
  gateway: string;
  nameserver: string;
}

/** An active model as stored (created when a policy binds a node): copies of its model and broker. */
export interface ActiveModelDoc extends Doc {
  policy_uuid: string;
  node_uuid: string;
  label: string;
  state: string;
  /** The policy's bind counter when this node was bound: its number in hostnames and IP pools. */
  counter: number;
  /** Fully qualified hostname, e.g. web3.example.com. */
  hostname: string;
  short_hostname: string;
  domainname: string;
  ip: PoolAddress | null;
  /** The address the installed OS reported (postinstall/send_ips). */
  node_ip?: string;
  bound_at: string;
  updated_at: string;
  model: ModelDoc;
  broker: BrokerDoc | null;
  /** `<state>:<answer>` of the last boot served, so repeated boots are not logged again. */
  last_boot?: string;
  /** Set at the install's first boot; cleared by reinstall and rebind-address (ADR 0016). */
  pin?: InstallPin;
  log: ActiveModelLogEntry[];
}

/** What binds an install's secrets to the node that installs (ADR 0016). */
export interface InstallPin {
  /** The address of the install's first boot: its public secret file goes only there. */
  address: string;
  /** The install key: in the callback URL of every file a secret callback serves, needed by the rest. */
  key: string;
  pinned_at: string;
  /** How many times each secret callback (`<namespace>/<action>`) has been served this install. */
  served: Record<string, number>;
}

/** A broker as stored. */
export interface BrokerDoc extends Doc {
  name: string;
  description: string;
  plugin: string;
  metadata: Record<string, string>;
  created_at: string;
  updated_at: string;
}

/** A model as stored. */
export interface ModelDoc extends Doc {
  label: string;
  type: string;
  template: string;
  description: string;
  image_uuid: string;
  metadata: Record<string, string>;
  created_at: string;
  updated_at: string;
}

/** A node as stored. */
export interface NodeDoc extends Doc {
  hw_id: string[];
  attributes: Record<string, unknown>;
  last_state: string;
  dhcp_mac: string | null;
  /** The IP address its last recorded boot request came from (over HTTP; absent before its first boot). */
  boot_ip?: string;
  /** The token bucket limiting what its boots record (lib/engine/boot-record.ts). */
  boot_records?: { tokens: number; at: number };
  checked_in_at: string;
  created_at: string;
}

/** A policy as stored. */
export interface PolicyDoc extends Doc {
  label: string;
  template: string;
  model_uuid: string;
  broker_uuid: string | null;
  tags: string[];
  enabled: boolean;
  maximum_count: number;
  /** Bind counter: the number the next bound node's hostname gets. */
  counter: number;
  created_at: string;
  updated_at: string;
}

/** A tag rule as stored: the original's matchers, or a razor-server rule. */
export interface TagRuleDoc extends Doc {
  name: string;
  tag: string;
  matchers: TagMatcher[];
  /** A razor-server rule (`["and", ["=", ["fact", "x"], "y"], …]`); when set, it decides instead of the matchers. */
  rule?: unknown;
  created_at: string;
  updated_at: string;
}

/** An image as stored (added by `razor image add`). */
export interface ImageDoc extends Doc {
  /** An image type of the catalog (templates/images/<type>/). */
  type: string;
  name: string;
  version: string;
  /** `valid` (verified local copy) or `remote` (a mirror registered with --url). */
  status: string;
  created_at?: string;
  /** Where it was imported from (a path or URL). */
  source?: string;
  /** A remote mirror's base URL; installers are pointed at it instead of razor's image service. */
  url?: string;
  /** Bytes on disk. */
  size?: number;
  kernel?: string;
  initrd?: string;
  /** ESXi: the image's boot.cfg text. */
  boot_cfg?: string;
  /** An archive image (rootfs): the stored file's name, its SHA-256 and the kernel version inside. */
  file?: string;
  sha256?: string;
  /** An archive image: bytes of its uncompressed tar stream (what writing it to a disk needs). */
  unpacked_size?: number;
  kernel_version?: string;
}
