import { ISettingRegistry } from '@jupyterlab/settingregistry';

import { GpuMode } from './types';

/** The user's settings (schema/plugin.json): defaults of a new build. */
export interface IContainerizeSettings {
  defaultBaseImage: string;
  registry: string;
  /** Empty: the BinderHub the admin configured on the server. */
  binderhubUrl: string;
  gpuDefault: GpuMode;
  /** Record what the notebook's kernel touches (files, programs, modules) once the panel opens. */
  recordKernel: boolean;
  /** A new build runs the notebook in the image and compares outputs. */
  verifyDefault: boolean;
}

export const DEFAULT_SETTINGS: IContainerizeSettings = {
  defaultBaseImage: 'auto',
  registry: '',
  binderhubUrl: '',
  gpuDefault: 'auto',
  recordKernel: true,
  verifyDefault: true
};

const GPU_MODES: GpuMode[] = ['none', 'auto', 'cuda'];

/** Reads the composite settings, falling back to the defaults field by field. */
export function readSettings(
  settings: ISettingRegistry.ISettings | null
): IContainerizeSettings {
  if (!settings) {
    return { ...DEFAULT_SETTINGS };
  }
  const text = (
    key: Exclude<keyof IContainerizeSettings, 'recordKernel' | 'verifyDefault'>
  ): string => {
    const value = settings.get(key).composite;
    return typeof value === 'string' ? value.trim() : DEFAULT_SETTINGS[key];
  };
  const record = settings.get('recordKernel').composite;
  const verify = settings.get('verifyDefault').composite;
  const gpu = text('gpuDefault') as GpuMode;
  return {
    defaultBaseImage:
      text('defaultBaseImage') || DEFAULT_SETTINGS.defaultBaseImage,
    registry: text('registry'),
    binderhubUrl: text('binderhubUrl'),
    gpuDefault: GPU_MODES.includes(gpu) ? gpu : DEFAULT_SETTINGS.gpuDefault,
    recordKernel:
      typeof record === 'boolean' ? record : DEFAULT_SETTINGS.recordKernel,
    verifyDefault:
      typeof verify === 'boolean' ? verify : DEFAULT_SETTINGS.verifyDefault
  };
}
