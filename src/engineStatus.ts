/**
 * Where builds run, as the panel says it: the `engine` of `GET /containerize/info`.
 */
import { TranslationBundle } from '@jupyterlab/translation';

import { IServerInfo } from './types';

/** unknown: the server has not answered yet (or answered without an engine status). */
export type EngineState = 'unknown' | 'available' | 'unavailable';

export function engineState(info: IServerInfo | null): EngineState {
  const engine = info?.engine;
  if (!engine || typeof engine.available !== 'boolean') {
    return 'unknown';
  }
  return engine.available ? 'available' : 'unavailable';
}

/** "Builds run on this machine's container engine (engine 20.10.24)." */
export function describeEngine(
  info: IServerInfo | null,
  trans: TranslationBundle
): string {
  const engine = info?.engine;
  const where = engine?.where || trans.__("this machine's container engine");
  return engine?.version
    ? trans.__('Builds run on %1 (engine %2).', where, engine.version)
    : trans.__('Builds run on %1.', where);
}

/** The one line that says builds cannot run, and where the server looked for an engine. */
export function engineDownTitle(
  info: IServerInfo | null,
  trans: TranslationBundle
): string {
  const where = info?.engine?.where;
  return where
    ? trans.__('No container engine answers: builds cannot run on %1.', where)
    : trans.__('No container engine answers: builds cannot run here.');
}

/** The server's reason, or a hint when it gave none. */
export function engineDownReason(
  info: IServerInfo | null,
  trans: TranslationBundle
): string {
  return (
    info?.engine?.message ||
    trans.__(
      'Start the container engine, or ask the admin to point c.Containerize.engine_url at one.'
    )
  );
}

/**
 * The BinderHub that Binder links point to: the user's setting, else the admin's
 * (`binderhub_url` of the server), else mybinder.org.
 */
export function binderhubFor(
  userSetting: string,
  info: IServerInfo | null
): string {
  return (
    userSetting.trim() || info?.binderhub_url?.trim() || 'https://mybinder.org'
  );
}
