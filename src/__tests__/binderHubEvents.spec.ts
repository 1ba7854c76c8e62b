import { TranslationBundle } from '@jupyterlab/translation';

import {
  binderBuildRequest,
  binderOutcome,
  logLine,
  phaseText
} from '../binderHubEvents';
import { IBuildEvent, IBuildRecord } from '../types';

// Messages come back with their %n filled in, untranslated, so tests can compare them.
const trans = {
  __: (msgid: string, ...args: unknown[]) =>
    args.reduce<string>((s, a, i) => s.replace(`%${i + 1}`, String(a)), msgid)
} as unknown as TranslationBundle;

const event = (changes: Partial<IBuildEvent>): IBuildEvent => ({
  index: 0,
  kind: 'log',
  time: 0,
  message: '',
  ...changes
});

function record(changes: Partial<IBuildRecord>): IBuildRecord {
  return { id: 'c544b722f108', status: 'running', ...changes };
}

describe('binderBuildRequest', () => {
  it('sends the notebook and the kind of build', () => {
    expect(binderBuildRequest('nb/a.ipynb', true, '')).toEqual({
      path: 'nb/a.ipynb',
      prebuild: true
    });
  });

  it("sends the user's BinderHub when the settings name one", () => {
    expect(
      binderBuildRequest('a.ipynb', false, ' https://hub.example.org ')
    ).toEqual({
      path: 'a.ipynb',
      prebuild: false,
      binderhub_url: 'https://hub.example.org'
    });
  });

  it('sends a hub API token only when one was given', () => {
    expect(binderBuildRequest('a.ipynb', true, '', '  ')).toEqual({
      path: 'a.ipynb',
      prebuild: true
    });
    expect(binderBuildRequest('a.ipynb', true, '', ' s3cret ')).toEqual({
      path: 'a.ipynb',
      prebuild: true,
      hub_token: 's3cret'
    });
  });
});

describe('phaseText', () => {
  it("says BinderHub's phases in words", () => {
    expect(phaseText('waiting', trans)).toBe('Waiting for BinderHub');
    expect(phaseText('building', trans)).toBe('Building the image');
    expect(phaseText('built', trans)).toBe('Image built');
    expect(phaseText('launching', trans)).toBe('Launching a session');
    expect(phaseText('ready', trans)).toBe('Ready');
  });

  it('shows a phase it does not know as it came', () => {
    expect(phaseText('unpacking', trans)).toBe('unpacking');
  });
});

describe('logLine', () => {
  it("keeps BinderHub's lines as the server wrote them", () => {
    expect(
      logLine(
        event({
          message: '[building] Step 3/9 : RUN pip install',
          data: { phase: 'building' }
        })
      )
    ).toBe('[building] Step 3/9 : RUN pip install');
    expect(
      logLine(event({ message: '[log] Picked Git content provider.' }))
    ).toBe('[log] Picked Git content provider.');
  });

  it('numbers image build steps', () => {
    expect(
      logLine(
        event({ kind: 'step', message: 'FROM python', step: 1, total: 3 })
      )
    ).toBe('[1/3] FROM python');
  });

  it('never shows a token a line carries', () => {
    expect(
      logLine(
        event({
          message:
            'GET https://hub.example.org/build/gh/o/r/abc?build_only=true&build_token=s3cr3t'
        })
      )
    ).toBe(
      'GET https://hub.example.org/build/gh/o/r/abc?build_only=true&build_token=***'
    );
    expect(
      logLine(event({ message: '[ready] https://h/user/x/lab?token=abc&x=1' }))
    ).toBe('[ready] https://h/user/x/lab?token=***&x=1');
  });
});

describe('binderOutcome', () => {
  it('is null while the build runs', () => {
    expect(binderOutcome(null)).toBeNull();
    expect(binderOutcome(record({}))).toBeNull();
  });

  it('a pre-build: the image is built', () => {
    expect(
      binderOutcome(
        record({
          status: 'succeeded',
          result: { phase: 'built', build_only: true, commit: '770c4d63f650' }
        })
      )
    ).toEqual({
      kind: 'built',
      commit: '770c4d63f650',
      link: null,
      note: null
    });
  });

  it('a pre-build with its link, or none and why on an API-only hub', () => {
    const built = (result: { [key: string]: unknown }) =>
      binderOutcome(record({ status: 'succeeded', result }));
    expect(
      built({ build_only: true, link: 'https://hub/v2/gh/o/r/abc' })
    ).toMatchObject({ link: 'https://hub/v2/gh/o/r/abc', note: null });
    expect(
      built({ build_only: true, link: null, note: 'This hub serves no page.' })
    ).toMatchObject({ link: null, note: 'This hub serves no page.' });
  });

  it("a launch: the session's URL", () => {
    expect(
      binderOutcome(
        record({
          status: 'succeeded',
          result: {
            phase: 'ready',
            build_only: false,
            server_url: 'https://hub/user/x/',
            launch_url: 'https://hub/user/x/lab/tree/a.ipynb?token=t'
          }
        })
      )
    ).toEqual({
      kind: 'launched',
      url: 'https://hub/user/x/lab/tree/a.ipynb?token=t',
      commit: null
    });
  });

  it("a failure: BinderHub's message and the hint", () => {
    expect(
      binderOutcome(
        record({
          status: 'failed',
          error: {
            code: 'binderhub-build-failed',
            message: 'BinderHub: Building but not launching is not permitted',
            hint: 'Use "Build and launch" instead.'
          }
        })
      )
    ).toEqual({
      kind: 'failed',
      code: 'binderhub-build-failed',
      message: 'BinderHub: Building but not launching is not permitted',
      hint: 'Use "Build and launch" instead.'
    });
  });

  it('a failure with no error object: the last error event', () => {
    expect(
      binderOutcome(
        record({
          status: 'failed',
          events: [
            event({
              kind: 'error',
              message: 'BinderHub timed out',
              data: { code: 'binderhub-timeout', hint: 'Try again later.' }
            })
          ]
        })
      )
    ).toEqual({
      kind: 'failed',
      code: 'binderhub-timeout',
      message: 'BinderHub timed out',
      hint: 'Try again later.'
    });
  });

  it('a cancelled build', () => {
    expect(binderOutcome(record({ status: 'cancelled' }))).toEqual({
      kind: 'cancelled'
    });
  });
});
