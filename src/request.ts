import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

/** The server extension's URL namespace. */
export const API_NAMESPACE = 'containerize';

/** The error body every containerize endpoint answers with (docs/rest-api.md). */
export interface IErrorBody {
  code?: string;
  message?: string;
  hint?: string;
  detail?: unknown;
  /** Fixes the panel offers as buttons: each merges its patch into the build options. */
  actions?: IFixAction[];
}

/** A fix the server offers with an error: a button that patches the build options and builds. */
export interface IFixAction {
  id: string;
  label: string;
  /** Merged into `options` of the next build request, e.g. `{"repin": true}`. */
  options_patch: { [key: string]: unknown };
  /** The same fix as command-line flags (`--base IMAGE`), for the CLI; the panel never shows it. */
  cli?: string;
}

/** The well-formed actions of an error body; anything else is dropped. */
export function fixActions(value: unknown): IFixAction[] {
  if (!Array.isArray(value)) {
    return [];
  }
  return value.filter(
    (action): action is IFixAction =>
      !!action &&
      typeof action === 'object' &&
      typeof action.id === 'string' &&
      typeof action.label === 'string' &&
      !!action.label &&
      !!action.options_patch &&
      typeof action.options_patch === 'object' &&
      !Array.isArray(action.options_patch)
  );
}

/**
 * A failed request, carrying the server's `{code, message, hint}` when it sent one.
 */
export class ResponseError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string = 'error',
    readonly hint: string = '',
    readonly detail: unknown = undefined,
    readonly actions: IFixAction[] = []
  ) {
    super(message);
    this.name = 'ResponseError';
  }

  /** Message and hint as one text, for a notification or a dialog. */
  get fullText(): string {
    const detail =
      this.detail === undefined || this.detail === null
        ? ''
        : typeof this.detail === 'string'
          ? this.detail
          : JSON.stringify(this.detail, null, 2);
    return [this.message, this.hint, detail].filter(Boolean).join('\n\n');
  }
}

/** Any thrown value as a ResponseError, so that widgets show one kind of error. */
export function asResponseError(error: unknown): ResponseError {
  return error instanceof ResponseError
    ? error
    : new ResponseError(
        0,
        error instanceof Error ? error.message : String(error)
      );
}

/**
 * Call a containerize endpoint and return its JSON answer.
 *
 * @param endPoint path under `{base_url}/containerize/`, with its query string
 * @param init fetch options; the body is JSON text
 */
export async function requestAPI<T>(
  endPoint = '',
  init: RequestInit = {}
): Promise<T> {
  const response = await send(endPoint, init);
  return parseJSON(await response.text()) as T;
}

/** A file the server answered with (`Content-Disposition: attachment`). */
export interface IDownloadedFile {
  blob: Blob;
  /** The name the server gave it, or null when it gave none. */
  fileName: string | null;
}

/**
 * Call a containerize endpoint that answers with a file rather than JSON; its errors are JSON
 * like every endpoint's.
 */
export async function requestFile(
  endPoint: string,
  init: RequestInit = {}
): Promise<IDownloadedFile> {
  const response = await send(endPoint, init);
  return {
    blob: await response.blob(),
    fileName: fileNameFromDisposition(
      response.headers.get('Content-Disposition')
    )
  };
}

/**
 * The file name of a `Content-Disposition` header: `filename*=UTF-8''...` first, then
 * `filename="..."`; only its last path part, so that a name never points at a folder.
 */
export function fileNameFromDisposition(header: string | null): string | null {
  if (!header) {
    return null;
  }
  let name: string | null = null;
  const extended = /filename\*\s*=\s*(?:UTF-8)?''([^;]+)/i.exec(header);
  if (extended) {
    try {
      name = decodeURIComponent(extended[1].trim());
    } catch {
      name = null;
    }
  }
  if (name === null) {
    const plain = /filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]+))/i.exec(
      header
    );
    name = plain ? (plain[1] ?? plain[2]).replace(/\\(.)/g, '$1') : null;
  }
  const base = name?.split(/[\\/]/).pop()?.trim() ?? '';
  return base && base !== '.' && base !== '..' ? base : null;
}

/** Sends the request; a network failure or an answer that is not 2xx throws a ResponseError. */
async function send(endPoint: string, init: RequestInit): Promise<Response> {
  const settings = ServerConnection.makeSettings();
  const requestUrl = URLExt.join(settings.baseUrl, API_NAMESPACE, endPoint);

  let response: Response;
  try {
    response = await ServerConnection.makeRequest(requestUrl, init, settings);
  } catch (error) {
    throw new ResponseError(
      0,
      `The Jupyter server could not be reached: ${String(error)}`,
      'network'
    );
  }
  if (!response.ok) {
    const data = parseJSON(await response.text()) as IErrorBody | undefined;
    throw errorFromResponse(response, requestUrl, data);
  }
  return response;
}

/** JSON text as a value; undefined for an empty or non-JSON body. */
function parseJSON(text: string): unknown {
  if (text.length === 0) {
    return undefined;
  }
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function errorFromResponse(
  response: Response,
  url: string,
  data: IErrorBody | undefined
): ResponseError {
  if (data && typeof data.message === 'string' && data.message) {
    return new ResponseError(
      response.status,
      data.message,
      data.code ?? String(response.status),
      data.hint ?? '',
      data.detail,
      fixActions(data.actions)
    );
  }
  // Not one of ours: Tornado's own HTML page for an unknown route, or a proxy's error.
  const path = new URL(url, window.location.href).pathname;
  const message =
    response.status === 404
      ? `The server has no endpoint ${path}.`
      : `${response.status} ${response.statusText || 'error'} from ${path}.`;
  const hint =
    response.status === 404
      ? 'The containerize server extension is missing, disabled or older than this panel.'
      : '';
  return new ResponseError(
    response.status,
    message,
    response.status === 404 ? 'not_found' : String(response.status),
    hint
  );
}
