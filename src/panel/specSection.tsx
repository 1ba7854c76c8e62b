import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { ContainerizeModel } from '../model';
import { IEnvironmentSpec } from '../types';

/** What the panel passes to each of its sections. */
export interface ISectionProps {
  model: ContainerizeModel;
  trans: TranslationBundle;
}

/** A section's props once the model holds a spec. */
export interface ISpecSectionProps extends ISectionProps {
  spec: IEnvironmentSpec;
}

/**
 * Wraps a section that needs the inspected spec: nothing is rendered
 * until the model has one.
 */
export function specSection(
  Body: (props: ISpecSectionProps) => JSX.Element
): (props: ISectionProps) => JSX.Element | null {
  return function SpecSection(props: ISectionProps): JSX.Element | null {
    const spec = props.model.spec;
    if (!spec) {
      return null;
    }
    return <Body model={props.model} trans={props.trans} spec={spec} />;
  };
}
