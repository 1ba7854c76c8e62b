import { TranslationBundle } from '@jupyterlab/translation';

import {
  applyOptionsPatch,
  AUTO_BASE_IMAGE,
  CUSTOM_BASE_IMAGE,
  defaultTag,
  DOCKER_STACKS_IMAGES,
  imageReference,
  initialOptions,
  IPanelOptions,
  optionsProblem,
  toBuildOptions
} from '../buildOptions';
import { DEFAULT_SETTINGS, IContainerizeSettings } from '../settings';

// Messages come back untranslated, so tests can compare them.
const trans = { __: (msgid: string) => msgid } as unknown as TranslationBundle;

const NOTEBOOK = 'work/Sales Analysis (v2).ipynb';

function options(changes: Partial<IPanelOptions> = {}): IPanelOptions {
  return {
    baseImage: AUTO_BASE_IMAGE,
    customBaseImage: '',
    gpu: 'none',
    target: 'notebook',
    tag: '',
    registry: '',
    push: false,
    verify: false,
    k8s: false,
    repair: false,
    repairRounds: 3,
    ...changes
  };
}

function settings(
  changes: Partial<IContainerizeSettings> = {}
): IContainerizeSettings {
  return { ...DEFAULT_SETTINGS, ...changes };
}

describe('defaultTag', () => {
  it('names the image after the notebook and the target', () => {
    expect(defaultTag('analysis.ipynb', 'notebook')).toBe('analysis:notebook');
    expect(defaultTag(NOTEBOOK, 'batch')).toBe('sales-analysis-v2:batch');
  });

  it('falls back to "notebook" when nothing of the name is usable', () => {
    expect(defaultTag('dir/(((.ipynb', 'serve')).toBe('notebook:serve');
    expect(defaultTag('__.ipynb', 'binder')).toBe('notebook:binder');
  });
});

describe('initialOptions', () => {
  it('starts from the settings: auto base image, GPU mode, registry', () => {
    expect(
      initialOptions(
        NOTEBOOK,
        settings({ gpuDefault: 'cuda', registry: 'ghcr.io/me' })
      )
    ).toEqual({
      baseImage: AUTO_BASE_IMAGE,
      customBaseImage: '',
      gpu: 'cuda',
      target: 'notebook',
      tag: '',
      registry: 'ghcr.io/me',
      push: false,
      verify: true,
      k8s: false,
      repair: false,
      repairRounds: 3
    });
  });

  it('leaves Verify off when the verifyDefault setting is off', () => {
    expect(
      initialOptions(NOTEBOOK, settings({ verifyDefault: false })).verify
    ).toBe(false);
  });

  it('selects an offered Docker Stacks image', () => {
    const image = DOCKER_STACKS_IMAGES[1];
    const result = initialOptions(
      NOTEBOOK,
      settings({ defaultBaseImage: image })
    );
    expect(result.baseImage).toBe(image);
    expect(result.customBaseImage).toBe('');
  });

  it('puts any other image in the custom field', () => {
    const result = initialOptions(
      NOTEBOOK,
      settings({ defaultBaseImage: 'python:3.12-slim' })
    );
    expect(result.baseImage).toBe(CUSTOM_BASE_IMAGE);
    expect(result.customBaseImage).toBe('python:3.12-slim');
  });
});

describe('imageReference', () => {
  it('is empty when neither tag nor registry is set: the server picks', () => {
    expect(imageReference(options(), NOTEBOOK)).toBe('');
  });

  it('is the typed tag, trimmed', () => {
    expect(imageReference(options({ tag: ' me/app:1 ' }), NOTEBOOK)).toBe(
      'me/app:1'
    );
  });

  it('prefixes the registry, without a doubled slash', () => {
    expect(
      imageReference(
        options({ tag: 'app:1', registry: 'localhost:5000/team//' }),
        NOTEBOOK
      )
    ).toBe('localhost:5000/team/app:1');
  });

  it("prefixes the registry to the server's default tag when no tag is typed", () => {
    expect(
      imageReference(
        options({ registry: 'ghcr.io/me', target: 'serve' }),
        NOTEBOOK
      )
    ).toBe('ghcr.io/me/sales-analysis-v2:serve');
  });
});

describe('optionsProblem', () => {
  it('accepts the defaults', () => {
    expect(optionsProblem(options(), trans)).toBeNull();
  });

  it('asks for the custom base image', () => {
    expect(
      optionsProblem(
        options({ baseImage: CUSTOM_BASE_IMAGE, customBaseImage: '  ' }),
        trans
      )
    ).toBe('Type the custom base image, or choose another one.');
    expect(
      optionsProblem(
        options({
          baseImage: CUSTOM_BASE_IMAGE,
          customBaseImage: 'python:3.12'
        }),
        trans
      )
    ).toBeNull();
  });

  it('refuses a tag Docker would refuse', () => {
    for (const tag of ['my app', '-app', 'app!']) {
      expect(optionsProblem(options({ tag }), trans)).toBe(
        'The image tag may hold only letters, digits and . _ - / : @'
      );
    }
    for (const tag of ['app', 'me/app:1.0', 'app@sha256:abc', 'a_b-c.d']) {
      expect(optionsProblem(options({ tag }), trans)).toBeNull();
    }
  });

  it('refuses to push without a registry', () => {
    expect(optionsProblem(options({ push: true, registry: ' ' }), trans)).toBe(
      'Pushing needs a registry.'
    );
    expect(
      optionsProblem(options({ push: true, registry: 'ghcr.io/me' }), trans)
    ).toBeNull();
  });
});

describe('toBuildOptions', () => {
  it('sends only the target and verify by default', () => {
    expect(toBuildOptions(options(), NOTEBOOK)).toEqual({
      target: 'notebook',
      verify: false
    });
  });

  it('sends every option the user set', () => {
    expect(
      toBuildOptions(
        options({
          baseImage: DOCKER_STACKS_IMAGES[0],
          gpu: 'auto',
          target: 'batch',
          tag: 'job:1',
          registry: 'localhost:5000',
          push: true,
          verify: true
        }),
        NOTEBOOK
      )
    ).toEqual({
      target: 'batch',
      verify: true,
      gpu: 'auto',
      tag: 'localhost:5000/job:1',
      base_image: DOCKER_STACKS_IMAGES[0],
      push: true
    });
  });

  it('sends the custom base image trimmed', () => {
    expect(
      toBuildOptions(
        options({
          baseImage: CUSTOM_BASE_IMAGE,
          customBaseImage: ' python:3.12-slim '
        }),
        NOTEBOOK
      ).base_image
    ).toBe('python:3.12-slim');
  });

  it('does not ask to push without a registry', () => {
    expect(toBuildOptions(options({ push: true }), NOTEBOOK).push).toBe(
      undefined
    );
  });
});

describe('Kubernetes manifests and repair', () => {
  it('asks for manifests for serve and batch only', () => {
    expect(
      toBuildOptions(options({ target: 'serve', k8s: true }), NOTEBOOK).k8s
    ).toBe(true);
    expect(
      toBuildOptions(options({ target: 'batch', k8s: true }), NOTEBOOK).k8s
    ).toBe(true);
    expect(
      toBuildOptions(options({ target: 'notebook', k8s: true }), NOTEBOOK)
    ).not.toHaveProperty('k8s');
    expect(
      toBuildOptions(options({ target: 'serve' }), NOTEBOOK)
    ).not.toHaveProperty('k8s');
  });

  it('repair sends its rounds, and verifies', () => {
    expect(
      toBuildOptions(options({ repair: true, repairRounds: 5 }), NOTEBOOK)
    ).toEqual({
      target: 'notebook',
      verify: true,
      repair: true,
      repair_rounds: 5
    });
    expect(toBuildOptions(options({ repairRounds: 5 }), NOTEBOOK)).toEqual({
      target: 'notebook',
      verify: false
    });
  });

  it('refuses repair rounds outside 1 to 10', () => {
    for (const rounds of [0, 11, 2.5, NaN]) {
      expect(
        optionsProblem(options({ repair: true, repairRounds: rounds }), trans)
      ).toBe('Repair rounds: a whole number from 1 to 10.');
    }
    expect(
      optionsProblem(options({ repair: false, repairRounds: 0 }), trans)
    ).toBeNull();
    expect(
      optionsProblem(options({ repair: true, repairRounds: 10 }), trans)
    ).toBeNull();
  });
});

describe('applyOptionsPatch', () => {
  const start = () => initialOptions(NOTEBOOK, settings({}));

  it('sets a base image in the form, custom when not offered', () => {
    const { options, rest } = applyOptionsPatch(start(), {
      base_image: 'python:3.12-slim'
    });
    expect(options.baseImage).toBe(CUSTOM_BASE_IMAGE);
    expect(options.customBaseImage).toBe('python:3.12-slim');
    expect(rest).toEqual({});
  });

  it('selects an offered image, and keeps unknown keys to send as they are', () => {
    const { options, rest } = applyOptionsPatch(start(), {
      base: DOCKER_STACKS_IMAGES[0],
      repin: true
    });
    expect(options.baseImage).toBe(DOCKER_STACKS_IMAGES[0]);
    expect(rest).toEqual({ repin: true });
  });

  it('does not take a value of the wrong type into the form', () => {
    const { options, rest } = applyOptionsPatch(start(), { verify: 'yes' });
    expect(options.verify).toBe(true);
    expect(rest).toEqual({ verify: 'yes' });
  });
});
