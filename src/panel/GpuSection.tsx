import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { IGpuInfo } from '../types';
import { Section } from './Section';

/** GPU frameworks the notebook uses and what the kernel's machine has. */
export function GpuSection(props: {
  gpu: IGpuInfo;
  trans: TranslationBundle;
}): JSX.Element {
  const { gpu, trans } = props;
  const used = gpu.frameworks.some(f => !!f.cuda) || gpu.cuda_wheels.length > 0;
  const nothing =
    gpu.frameworks.length === 0 &&
    gpu.devices.length === 0 &&
    gpu.cuda_wheels.length === 0 &&
    !gpu.driver_version;
  return (
    <Section
      title={trans.__('GPU')}
      badge={used ? trans.__('CUDA') : trans.__('none')}
      defaultOpen={!nothing}
    >
      {nothing ? (
        <p className="jp-Containerize-empty">
          {trans.__('The notebook uses no GPU framework.')}
        </p>
      ) : (
        <dl className="jp-Containerize-facts">
          {gpu.frameworks.map(framework => (
            <React.Fragment key={framework.name}>
              <dt>{framework.name}</dt>
              <dd>
                {framework.version}
                {framework.cuda
                  ? ` · ${trans.__('CUDA %1', framework.cuda)}`
                  : ` · ${trans.__('CPU build')}`}
                {framework.cudnn
                  ? ` · ${trans.__('cuDNN %1', framework.cudnn)}`
                  : ''}
              </dd>
            </React.Fragment>
          ))}
          {gpu.cuda_wheels.length > 0 && (
            <>
              <dt>{trans.__('CUDA wheels')}</dt>
              <dd>{gpu.cuda_wheels.join(', ')}</dd>
            </>
          )}
          {gpu.driver_version && (
            <>
              <dt>{trans.__('Driver')}</dt>
              <dd>
                {gpu.driver_version}
                {gpu.cuda_driver_version
                  ? ` · ${trans.__('CUDA %1', gpu.cuda_driver_version)}`
                  : ''}
              </dd>
            </>
          )}
          {gpu.devices.map((device, i) => (
            <React.Fragment key={i}>
              <dt>{trans.__('Device %1', i)}</dt>
              <dd>
                {device.name}
                {device.compute_capability
                  ? ` · ${trans.__('compute %1', device.compute_capability)}`
                  : ''}
                {device.memory_mib
                  ? ` · ${trans.__('%1 GiB', (device.memory_mib / 1024).toFixed(0))}`
                  : ''}
              </dd>
            </React.Fragment>
          ))}
        </dl>
      )}
    </Section>
  );
}
