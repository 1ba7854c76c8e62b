import { TranslationBundle } from '@jupyterlab/translation';

import {
  binderhubFor,
  describeEngine,
  engineDownReason,
  engineDownTitle,
  engineState
} from '../engineStatus';
import { IEngineStatus, IServerInfo } from '../types';

// Untranslated messages with %1, %2 filled in, as the real bundle does.
const trans = {
  __: (msgid: string, ...args: unknown[]) =>
    msgid.replace(/%(\d+)/g, (_, n) => String(args[Number(n) - 1]))
} as unknown as TranslationBundle;

function info(engine: Partial<IEngineStatus> = {}): IServerInfo {
  return {
    version: '0.1.0',
    spec_version: 1,
    engine: {
      available: true,
      where: "this machine's container engine",
      version: '20.10.24',
      message: null,
      ...engine
    },
    binderhub_url: 'https://mybinder.org'
  };
}

const DOWN = info({
  available: false,
  where: 'a remote engine at build-host:2376 (tcp)',
  version: undefined,
  message: 'No container engine answered: connection refused'
});

describe('engineState', () => {
  it('is unknown until the server answered', () => {
    expect(engineState(null)).toBe('unknown');
  });

  it('is unknown for an answer without an engine status (an older server)', () => {
    const old = { version: '0.0.9', spec_version: 1 } as IServerInfo;
    expect(engineState(old)).toBe('unknown');
  });

  it("follows the server's available flag", () => {
    expect(engineState(info())).toBe('available');
    expect(engineState(DOWN)).toBe('unavailable');
  });
});

describe('describeEngine', () => {
  it('names where builds run and the engine version', () => {
    expect(describeEngine(info(), trans)).toBe(
      "Builds run on this machine's container engine (engine 20.10.24)."
    );
  });

  it('names a remote engine as the server describes it', () => {
    expect(
      describeEngine(
        info({ where: 'a remote engine at build-host:2376 (tcp)' }),
        trans
      )
    ).toBe(
      'Builds run on a remote engine at build-host:2376 (tcp) (engine 20.10.24).'
    );
  });

  it('leaves out a version the server did not send', () => {
    expect(describeEngine(info({ version: '' }), trans)).toBe(
      "Builds run on this machine's container engine."
    );
  });
});

describe('the engine-down message', () => {
  it('says in one line that builds cannot run, and where', () => {
    expect(engineDownTitle(DOWN, trans)).toBe(
      'No container engine answers: builds cannot run on a remote engine at build-host:2376 (tcp).'
    );
    expect(engineDownTitle(null, trans)).toBe(
      'No container engine answers: builds cannot run here.'
    );
  });

  it("gives the server's reason, or what to do when it gave none", () => {
    expect(engineDownReason(DOWN, trans)).toBe(
      'No container engine answered: connection refused'
    );
    expect(
      engineDownReason(info({ available: false, message: null }), trans)
    ).toMatch(/c\.Containerize\.engine_url/);
  });
});

describe('binderhubFor', () => {
  const admin = { ...info(), binderhub_url: 'https://binder.example.org' };

  it("takes the user's setting first", () => {
    expect(binderhubFor(' https://hub.mine.org ', admin)).toBe(
      'https://hub.mine.org'
    );
  });

  it("falls back to the admin's BinderHub, then mybinder.org", () => {
    expect(binderhubFor('', admin)).toBe('https://binder.example.org');
    expect(binderhubFor('', null)).toBe('https://mybinder.org');
  });
});
