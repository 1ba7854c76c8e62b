/**
 * TypeScript shapes of the JSON the server extension speaks.
 *
 * The environment spec mirrors `jupyterlab_containerize/spec.py` (docs/spec.md, spec_version 1);
 * the build records mirror docs/rest-api.md. Field names are the server's: never rename them here.
 */

/** Where the inspection got its facts from. */
export type InspectSource = 'kernel' | 'interpreter' | 'static' | 'lock';

/** How the date of static pins was chosen: given, the last commit, the file time, the lock's. */
export type AsOfSource = 'as-of' | 'git-commit' | 'file-time' | 'lock';

/** Why a distribution is in the lock. */
export type PackageReason =
  'imported' | 'runtime' | 'implicit' | 'dependency' | 'requested' | 'user';

export type SourceKind = 'index' | 'local' | 'editable' | 'vcs' | 'url';

export type PortabilityMark =
  'cuda-local-version' | 'cpu-local-version' | 'nvidia-wheel' | 'platform-only';

export type ImportKind = 'stdlib' | 'local' | 'package' | 'unresolved';

export interface INotebookInfo {
  path: string;
  sha256: string;
  kernel_name: string | null;
  language: string;
  cell_count: number;
}

export interface IPythonInfo {
  version: string;
  implementation: string;
  executable: string;
  is_venv: boolean;
  is_conda: boolean;
}

export interface IPlatformInfo {
  system: string;
  machine: string;
  libc: string;
}

export interface IPackageSource {
  kind: SourceKind;
  url?: string | null;
  commit?: string | null;
  vcs?: string | null;
  path?: string | null;
}

/** One pinned distribution of the lock. */
export interface IPackage {
  name: string;
  version: string | null;
  reason: PackageReason;
  required_by: string[];
  imported_as: string[];
  installer?: string | null;
  source: IPackageSource;
  requires_python?: string | null;
  portability: PortabilityMark[];
  reproducible: boolean;
  /** Not needed for the notebook to run (an optional dependency). */
  optional?: boolean;
  /**
   * A version the user picked or a package they added: the server checks it with that
   * release's own metadata before the build.
   */
  edited?: boolean;
  /** From a lock: the files' hashes ("sha256:<hex>"); installed with hash checking. */
  hashes?: string[];
}

export interface IImportRecord {
  module: string;
  kind: ImportKind;
  distribution?: string | null;
  cells: number[];
  runtime: boolean;
  optional: boolean;
  suggestion?: string | null;
}

export interface ILocalModule {
  module: string;
  path: string;
  /** Found by the kernel's touch record only (imported from a path built at run time). */
  runtime?: boolean;
}

export interface IInstallCommand {
  cell: number;
  tool: 'pip' | 'conda' | 'mamba' | 'uv' | 'apt';
  packages: string[];
  line: string;
}

export interface IGpuFramework {
  name: string;
  version: string;
  cuda?: string | null;
  cudnn?: string | null;
}

export interface IGpuDevice {
  name: string;
  compute_capability?: string | null;
  memory_mib?: number | null;
}

export interface IGpuInfo {
  frameworks: IGpuFramework[];
  cuda_wheels: string[];
  driver_version?: string | null;
  cuda_driver_version?: string | null;
  devices: IGpuDevice[];
}

/** Something the user should know; never fatal to inspection. */
export interface IProblem {
  kind: string;
  message: string;
  cell?: number | null;
}

/** The environment spec returned by `POST /containerize/inspect`. */
export interface IEnvironmentSpec {
  spec_version: number;
  source: InspectSource;
  /** `static` (and a lock made statically): the date pins were resolved as of, YYYY-MM-DD. */
  as_of?: string | null;
  as_of_source?: AsOfSource | null;
  notebook: INotebookInfo;
  python: IPythonInfo;
  platform: IPlatformInfo;
  packages: IPackage[];
  frontend_packages: IPackage[];
  imports: IImportRecord[];
  local_modules: ILocalModule[];
  files: string[];
  install_commands: IInstallCommand[];
  apt_packages: string[];
  /** apt package -> why it is needed. */
  apt_reasons?: { [name: string]: string };
  /** Programs the notebook runs -> their apt package ('' unknown). */
  programs?: { [name: string]: string };
  /** The part of `files` only the kernel's record showed. */
  runtime_files?: string[];
  env: { [name: string]: string };
  gpu: IGpuInfo;
  problems: IProblem[];
  /** Installed in the kernel but not used by the notebook: offered, never added by default. */
  suggestions?: ISuggestion[];
  /** Files the user allowed although they look like secrets (kept out of the image otherwise). */
  allowed_secret_files?: string[];
}

/** A package the panel offers to add (`spec.suggestions`), with why. */
export interface ISuggestion {
  name: string;
  version: string | null;
  reason: string;
}

/** Where builds run, and whether that engine answers now (`engine` of `GET /containerize/info`). */
export interface IEngineStatus {
  available: boolean;
  /** e.g. "this machine's container engine" or "a remote engine at build-host:2376 (tcp)". */
  where: string;
  /** The engine's version when it answered. */
  version?: string;
  /** Why it does not answer; null when it does. */
  message: string | null;
}

/** `GET /containerize/info`. */
export interface IServerInfo {
  version: string;
  spec_version: number;
  engine: IEngineStatus;
  /** The BinderHub the admin configured: the server's default for Binder links. */
  binderhub_url: string;
}

/** What the image is for. */
export type BuildTarget = 'notebook' | 'batch' | 'serve' | 'binder';

export type GpuMode = 'none' | 'auto' | 'cuda';

/** `options` of `POST /containerize/builds`. */
export interface IBuildOptions {
  target: BuildTarget;
  tag?: string;
  base_image?: string;
  /** Left out for "none". */
  gpu?: GpuMode;
  verify?: boolean;
  push?: boolean;
  /** serve / batch: Kubernetes manifests' YAML in the result. */
  k8s?: boolean;
  /** Verify, and on a failing cell change the environment and build again. */
  repair?: boolean;
  /** 1 to 10; the server's default is 3. */
  repair_rounds?: number;
}

/** For a notebook with no kernel: the Python its pins are made for. */
export interface IStaticChoices {
  python_version?: string;
  historic_python?: boolean;
}

export interface IBuildRequest {
  path: string;
  spec?: IEnvironmentSpec;
  options: IBuildOptions;
  static?: IStaticChoices;
}

/** `POST /containerize/context`: what a build would get, answered as a .tar.gz instead. */
export interface IContextRequest {
  path: string;
  kernel_id?: string;
  spec?: IEnvironmentSpec;
  options?: IBuildOptions;
}

export type BuildStatus =
  'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export type BuildEventKind = 'step' | 'log' | 'error' | 'done' | 'verify';

export interface IBuildEvent {
  index: number;
  kind: BuildEventKind;
  /** ISO 8601 text or seconds since the epoch, depending on the server's version. */
  time: string | number;
  message: string;
  step?: number;
  total?: number;
  /**
   * One progress over the whole build: environment, notebook layer, verify, push; `step` of
   * `total` never goes back. Absent from older servers: `step`/`total` of step events then.
   */
  progress?: IBuildProgress;
  /** BinderHub builds: `{phase}` on log and done events, `{code, message, hint}` on error. */
  data?: { phase?: string; code?: string; message?: string; hint?: string };
}

/** The phases of a build's progress, in order. */
export type BuildPhase = 'environment' | 'notebook' | 'verify' | 'push';

export interface IBuildProgress {
  phase: BuildPhase | string;
  step: number;
  total: number;
}

/** One cell's verdict when the notebook ran in the image. */
export interface ICellVerifyResult {
  index: number;
  /** 1-based among all cells of the notebook, as the log and every message number it. */
  cell?: number;
  /** passed / failed / timeout / not-run */
  status: string;
  /** null: the notebook had no saved output to compare with. */
  output_match?: boolean | null;
  error?:
    string | { ename?: string; evalue?: string; [key: string]: unknown } | null;
  seconds?: number;
}

export interface IBinderResult {
  url: string;
  badge_markdown?: string;
  files?: string[];
}

export interface IServeResult {
  curl?: string;
}

/** One Kubernetes manifest of `result.manifests` (build option `k8s`). */
export interface IManifest {
  /** e.g. deployment.yaml, kserve/inferenceservice.yaml */
  path: string;
  kind: string;
  yaml: string;
}

/** One change `options.repair` made to the environment (`result.repairs`). */
export interface IRepair {
  round: number;
  cell: number;
  package: string;
  /** added / stepped back / stepped forward */
  change: string;
  before: string | null;
  after: string | null;
  why: string;
}

/** What a finished build produced; every field may be absent. */
export interface IBuildResult {
  tag?: string;
  image?: string;
  base_image?: string;
  base_python?: string;
  warnings?: string[];
  size?: number;
  /** The size as the log and the CLI write it (decimal units, as `docker images`). */
  size_text?: string;
  /** The image the tag named before this build (null: none). */
  previous_image_id?: string | null;
  digest?: string;
  run_command?: string;
  verify?: {
    cells?: ICellVerifyResult[];
    passed?: boolean;
    [key: string]: unknown;
  };
  binder?: IBinderResult;
  serve?: IServeResult;
  manifests?: IManifest[];
  repairs?: IRepair[];
  [key: string]: unknown;
}

/** A build record: `GET /containerize/builds/{id}` and the list endpoint. */
export interface IBuildRecord {
  id: string;
  status: BuildStatus;
  notebook?: string;
  options?: IBuildOptions;
  events?: IBuildEvent[];
  next?: number;
  result?: IBuildResult | null;
  error?:
    | string
    | {
        code?: string;
        message?: string;
        hint?: string;
        /** Fixes offered as buttons (docs/rest-api.md): `{id, label, options_patch, cli}`. */
        actions?: unknown;
        /** A failed or cancelled build's new image, kept as `NAME:TAG-unverified` (null: none). */
        kept_image?: string | null;
        kept_image_id?: string | null;
        /** The tag, which still names the image it named before (`tag_image_id`, null: none). */
        tag?: string | null;
        tag_image_id?: string | null;
      }
    | null;
  created?: string | number;
  started?: string | number;
  finished?: string | number;
  [key: string]: unknown;
}

/** `POST /containerize/binder`: writes binder/ files beside the notebook and pins a launch link. */
export interface IBinderShareRequest {
  path: string;
  kernel_id?: string;
  binderhub_url?: string;
  /** Overwrite binder files that exist with other content. */
  force?: boolean;
  dry_run?: boolean;
}

export interface IBinderFileChange {
  path: string;
  /** e.g. created / unchanged / changed */
  status: string;
}

export interface IBinderShareResult {
  repo_root?: string;
  in_repo?: boolean;
  binder_dir?: string;
  files: IBinderFileChange[];
  written?: boolean;
  diff?: string;
  provider?: string | null;
  remote?: string | null;
  commit?: string | null;
  /** null when the notebook is in no repository with a remote Binder could clone. */
  url?: string | null;
  badge_markdown?: string | null;
  badge_rst?: string | null;
  warnings?: string[];
  next_steps?: string[];
}

/** `POST /containerize/binder/builds`: builds the notebook's commit-pinned link on a BinderHub. */
export interface IBinderBuildRequest {
  path: string;
  binderhub_url?: string;
  build_binderhub_url?: string;
  provider?: string;
  remote?: string;
  /** true (the server's default): build only; false: build and launch one session. */
  prebuild?: boolean;
  build_token?: string;
  /** A JupyterHub API token for a BinderHub behind a login; the server never records it. */
  hub_token?: string;
  timeout?: number;
}

/** `result` of a BinderHub build that succeeded. */
export interface IBinderBuildResult {
  phase?: string;
  message?: string;
  build_only?: boolean;
  image?: string;
  server_url?: string;
  /** The launched session, its token in the URL: a link only, never logged. */
  launch_url?: string;
  /** The launch link; null after a pre-build on an API-only hub, which `note` explains. */
  link?: string | null;
  note?: string;
  commit?: string;
}

/** `POST /containerize/lock`. */
export interface ILockRequest {
  path: string;
  kernel_id?: string;
  hashes?: boolean;
  write?: boolean;
}

/** The lock a notebook carries in `metadata.containerize.lock` (docs/spec.md). */
export interface INotebookLock {
  version: number;
  packages: { name: string; version: string | null; [key: string]: unknown }[];
  [key: string]: unknown;
}

export interface ILockResult {
  lock: INotebookLock;
  summary: string;
  warning: string | null;
  written: boolean;
}

/** Statuses after which a build never changes again. */
export const FINISHED_STATUSES: ReadonlyArray<BuildStatus> = [
  'succeeded',
  'failed',
  'cancelled'
];

/** Counts of what a recording kernel touched (`/containerize/record`). */
export interface IRecordCounts {
  files?: number;
  folders?: number;
  written?: number;
  commands?: number;
  modules?: number;
}

/** `POST` / `GET /containerize/record`: whether the kernel records, since when, how much. */
export interface IRecordStatus {
  recording: boolean;
  /** Seconds since the epoch. */
  since?: number | null;
  counts?: IRecordCounts;
  dropped?: IRecordCounts;
  /** The GET found the hook gone (a restart) and installed it again. */
  reinstalled?: boolean;
}

/** One environment image builds left on the engine (`GET /containerize/environments`). */
export interface IEnvironmentImage {
  /** `localhost/containerize-env:<key>` */
  tag: string;
  image_id: string;
  /** Bytes of its own layers (its base's or the environment it extends are not counted). */
  size: number;
  /** Seconds since the epoch: the newest of its own and its notebook images' creation; 0 unknown. */
  last_used: number;
  /** The environment image it extends, or null. */
  parent: string | null;
  /** The tagged images built from it. */
  used_by: string[];
  /** The notebooks in those images. */
  notebooks: string[];
  /** How many untagged old builds of it there are (they go with it). */
  untagged_images: number;
  /** Why it is kept whatever the limit: a tagged image, or a kept image stacked on it; else null. */
  needed_by: string | null;
}

/** `GET /containerize/environments`, and the plan part of a prune's answer. */
export interface IEnvironmentsListing {
  /** Bytes of every environment image together. */
  total: number;
  /** The limit in bytes the plan used; null: every image no tagged image needs goes. */
  limit: number | null;
  /** Bytes the plan's `remove` would free. */
  freed: number;
  environments: IEnvironmentImage[];
  /** Tags the plan removes, least recently used first. */
  remove: string[];
}

/** `POST /containerize/environments/prune`. */
export interface IPruneRequest {
  dry_run: boolean;
  /** Keep at most this many GB; left out: the admin's limit. */
  max_gb?: number;
  /** Remove only these of what the plan removes (what a dry run showed). */
  tags?: string[];
}

/** The answer of `POST /containerize/environments/prune`. */
export interface IPruneResult extends IEnvironmentsListing {
  dry_run: boolean;
  /** One line per image removed: "removed TAG (0.48 GB)". */
  removed: string[];
  /** One line per image the engine refused to remove: "TAG: why". */
  problems: string[];
}
