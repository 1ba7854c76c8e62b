/**
 * What the panel makes of a BinderHub build (docs/rest-api.md, "BinderHub builds"): the request,
 * BinderHub's phases in words, the log's lines, and how the build ended. No requests here.
 */
import { TranslationBundle } from '@jupyterlab/translation';

import {
  IBinderBuildRequest,
  IBinderBuildResult,
  IBuildEvent,
  IBuildRecord
} from './types';

/** The request body; an empty hub URL leaves the choice to the server (the admin's). */
export function binderBuildRequest(
  path: string,
  prebuild: boolean,
  binderhubUrl: string,
  hubToken = ''
): IBinderBuildRequest {
  const request: IBinderBuildRequest = { path, prebuild };
  if (binderhubUrl.trim()) {
    request.binderhub_url = binderhubUrl.trim();
  }
  // A JupyterHub API token for a BinderHub behind a login: sent, never stored or shown.
  if (hubToken.trim()) {
    request.hub_token = hubToken.trim();
  }
  return request;
}

/** BinderHub's phase in words; a phase this panel does not know is shown as it came. */
export function phaseText(phase: string, trans: TranslationBundle): string {
  switch (phase) {
    case 'waiting':
      return trans.__('Waiting for BinderHub');
    case 'fetching':
      return trans.__('Fetching the repository');
    case 'building':
      return trans.__('Building the image');
    case 'pushing':
      return trans.__('Pushing the image');
    case 'built':
      return trans.__('Image built');
    case 'launching':
      return trans.__('Launching a session');
    case 'ready':
      return trans.__('Ready');
    case 'failed':
      return trans.__('Failed');
    default:
      return phase;
  }
}

/** A session token in a URL, should a line ever carry one: the log never shows it. */
const TOKEN_IN_URL = /([?&#](?:token|build_token)=)[^&#\s]+/gi;

/** One event as a line of the build log: steps numbered, tokens hidden. */
export function logLine(event: IBuildEvent): string {
  const text =
    event.kind === 'step' &&
    typeof event.step === 'number' &&
    typeof event.total === 'number'
      ? `[${event.step}/${event.total}] ${event.message}`
      : event.message;
  return text.replace(TOKEN_IN_URL, '$1***');
}

/** How a finished BinderHub build ended, for the panel's last line. */
export type BinderOutcome =
  | {
      kind: 'built';
      commit: string | null;
      /** The launch link on the hub; null after a pre-build on an API-only hub (see `note`). */
      link: string | null;
      note: string | null;
    }
  | { kind: 'launched'; url: string; commit: string | null }
  | { kind: 'failed'; code: string; message: string; hint: string }
  | { kind: 'cancelled' };

/** The outcome of a record, or null while it runs. */
export function binderOutcome(
  record: IBuildRecord | null
): BinderOutcome | null {
  if (!record) {
    return null;
  }
  if (record.status === 'cancelled') {
    return { kind: 'cancelled' };
  }
  if (record.status === 'succeeded') {
    const result = (record.result ?? {}) as IBinderBuildResult;
    const commit = result.commit ?? null;
    const url = result.launch_url || result.server_url;
    if (result.build_only === false && url) {
      return { kind: 'launched', url, commit };
    }
    return {
      kind: 'built',
      commit,
      link: typeof result.link === 'string' && result.link ? result.link : null,
      note: typeof result.note === 'string' && result.note ? result.note : null
    };
  }
  if (record.status === 'failed') {
    const error = record.error;
    if (error && typeof error === 'object') {
      return {
        kind: 'failed',
        code: error.code ?? 'error',
        message: error.message ?? '',
        hint: error.hint ?? ''
      };
    }
    const last = (record.events ?? []).filter(e => e.kind === 'error').pop();
    return {
      kind: 'failed',
      code: last?.data?.code ?? 'error',
      message:
        (typeof error === 'string' && error) ||
        last?.data?.message ||
        last?.message ||
        '',
      hint: last?.data?.hint ?? ''
    };
  }
  return null;
}
