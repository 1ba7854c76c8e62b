import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { repairText } from '../staticPins';
import { IRepair } from '../types';

/** What `options.repair` changed in the environment, round by round, with the reason. */
export function RepairList(props: {
  repairs: IRepair[];
  trans: TranslationBundle;
}): JSX.Element {
  const { repairs, trans } = props;
  return (
    <>
      <h4 className="jp-Containerize-subTitle">
        {repairs.length
          ? trans._n(
              'Repaired: %1 change',
              'Repaired: %1 changes',
              repairs.length
            )
          : trans.__('Repair: nothing needed changing')}
      </h4>
      {repairs.length > 0 && (
        <ol
          className="jp-Containerize-steps jp-Containerize-repairs"
          aria-label={trans.__('Repairs')}
        >
          {repairs.map((repair, i) => (
            <li key={i} title={trans.__('round %1', repair.round)}>
              {repairText(repair, trans)}
            </li>
          ))}
        </ol>
      )}
    </>
  );
}
