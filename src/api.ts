/**
 * Typed wrappers for every containerize endpoint (docs/rest-api.md).
 * Widgets and models call these, never `requestAPI` directly.
 */
import { IDownloadedFile, requestAPI, requestFile } from './request';
import {
  IBinderBuildRequest,
  IBinderShareRequest,
  IBinderShareResult,
  IBuildRecord,
  IBuildRequest,
  IContextRequest,
  IEnvironmentSpec,
  IEnvironmentsListing,
  ILockRequest,
  ILockResult,
  IPruneRequest,
  IPruneResult,
  IRecordStatus,
  IServerInfo
} from './types';

/** `GET /containerize/info`: detects the server extension, and says where builds run. */
export function getServerInfo(): Promise<IServerInfo> {
  return requestAPI<IServerInfo>('info');
}

/** `POST /containerize/inspect`: the environment spec of a notebook. */
export function inspectNotebook(
  path: string,
  kernelId?: string | null,
  signal?: AbortSignal
): Promise<IEnvironmentSpec> {
  const body: { path: string; kernel_id?: string } = { path };
  if (kernelId) {
    body.kernel_id = kernelId;
  }
  return requestAPI<IEnvironmentSpec>('inspect', {
    method: 'POST',
    body: JSON.stringify(body),
    signal
  });
}

/** `POST /containerize/inspect/folder`: a folder's one spec, as its project build inspects it. */
export function inspectFolder(
  path: string,
  signal?: AbortSignal
): Promise<IEnvironmentSpec> {
  return requestAPI<IEnvironmentSpec>('inspect/folder', {
    method: 'POST',
    body: JSON.stringify({ path }),
    signal
  });
}

/** `POST /containerize/builds`: starts a build; answers 202 with the new record. */
export function startBuild(request: IBuildRequest): Promise<IBuildRecord> {
  return requestAPI<IBuildRecord>('builds', {
    method: 'POST',
    body: JSON.stringify(request)
  });
}

/** `GET /containerize/builds`: every build the server knows. */
export function listBuilds(): Promise<IBuildRecord[]> {
  return requestAPI<IBuildRecord[]>('builds');
}

/** `GET /containerize/builds/{id}?since=N`: a build with its events from index N on. */
export function getBuild(id: string, since = 0): Promise<IBuildRecord> {
  return requestAPI<IBuildRecord>(
    `builds/${encodeURIComponent(id)}?since=${since}`
  );
}

/** `DELETE /containerize/builds/{id}`: cancels a build. */
export function cancelBuild(
  id: string
): Promise<Pick<IBuildRecord, 'id' | 'status'>> {
  return requestAPI<Pick<IBuildRecord, 'id' | 'status'>>(
    `builds/${encodeURIComponent(id)}`,
    { method: 'DELETE' }
  );
}

/** `POST /containerize/binder`: writes the binder/ files and returns the launch link. */
export function shareBinder(
  request: IBinderShareRequest
): Promise<IBinderShareResult> {
  return requestAPI<IBinderShareResult>('binder', {
    method: 'POST',
    body: JSON.stringify(request)
  });
}

/** `POST /containerize/context`: the portable build context as a .tar.gz, with its file name. */
export function downloadContext(
  request: IContextRequest
): Promise<IDownloadedFile> {
  return requestFile('context', {
    method: 'POST',
    body: JSON.stringify(request)
  });
}

/** `POST /containerize/binder/builds`: starts a BinderHub build of the pinned link (202). */
export function startBinderBuild(
  request: IBinderBuildRequest
): Promise<IBuildRecord> {
  return requestAPI<IBuildRecord>('binder/builds', {
    method: 'POST',
    body: JSON.stringify(request)
  });
}

/** `GET /containerize/binder/builds/{id}?since=N`: the BinderHub build with events from N on. */
export function getBinderBuild(id: string, since = 0): Promise<IBuildRecord> {
  return requestAPI<IBuildRecord>(
    `binder/builds/${encodeURIComponent(id)}?since=${since}`
  );
}

/** `DELETE /containerize/binder/builds/{id}`: closes the stream to BinderHub. */
export function cancelBinderBuild(
  id: string
): Promise<Pick<IBuildRecord, 'id' | 'status'>> {
  return requestAPI<Pick<IBuildRecord, 'id' | 'status'>>(
    `binder/builds/${encodeURIComponent(id)}`,
    { method: 'DELETE' }
  );
}

/** `POST /containerize/lock`: the lock for the notebook to carry; the panel sets it itself. */
export function lockNotebook(request: ILockRequest): Promise<ILockResult> {
  return requestAPI<ILockResult>('lock', {
    method: 'POST',
    body: JSON.stringify(request)
  });
}

/** `POST /containerize/record`: installs the touch-recording hook in the kernel (idempotent). */
export function startRecording(kernelId: string): Promise<IRecordStatus> {
  return requestAPI<IRecordStatus>('record', {
    method: 'POST',
    body: JSON.stringify({ kernel_id: kernelId })
  });
}

/** `GET /containerize/record?kernel_id=ID`: whether the kernel records, and its counts. */
export function getRecording(kernelId: string): Promise<IRecordStatus> {
  return requestAPI<IRecordStatus>(
    `record?kernel_id=${encodeURIComponent(kernelId)}`
  );
}

/** `GET /containerize/environments`: the environment images builds left on the engine. */
export function listEnvironments(
  signal?: AbortSignal
): Promise<IEnvironmentsListing> {
  return requestAPI<IEnvironmentsListing>('environments', { signal });
}

/** `POST /containerize/environments/prune`: what a prune removes (dry run), or the prune. */
export function pruneEnvironments(
  request: IPruneRequest,
  signal?: AbortSignal
): Promise<IPruneResult> {
  return requestAPI<IPruneResult>('environments/prune', {
    method: 'POST',
    body: JSON.stringify(request),
    signal
  });
}
