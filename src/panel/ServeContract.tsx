import { TranslationBundle } from '@jupyterlab/translation';
import { Button } from '@jupyterlab/ui-components';
import * as React from 'react';

import { ContainerizeModel } from '../model';
import {
  cellsToTag,
  OUTPUT_TAG,
  PARAMETERS_TAG,
  serveCells
} from '../serveCells';

/**
 * The serve target's cell contract, before the build: which tags the service reads, what the
 * open notebook has, and a one-click fix when no cell is tagged for the response.
 */
export function ServeContract(props: {
  model: ContainerizeModel;
  trans: TranslationBundle;
}): JSX.Element {
  const { model, trans } = props;
  const cells = model.cells;
  const [, setTick] = React.useState(0);
  React.useEffect(() => {
    const watcher = cells?.watch(() => setTick(tick => tick + 1));
    return () => watcher?.dispose();
  }, [model, cells !== null]);
  const found = cells ? serveCells(cells.cells()) : null;
  const toTag = cells ? cellsToTag(cells.cells()) : [];
  return (
    <div
      className="jp-Containerize-serveContract"
      aria-label={trans.__('How the service runs the notebook')}
    >
      <p className="jp-Containerize-note">
        {trans.__(
          'The service runs the cells before the one tagged "%1" once at start; each request sets those parameters and runs the cells after it. Only the outputs of cells tagged "%2" are in the response.',
          PARAMETERS_TAG,
          OUTPUT_TAG
        )}
      </p>
      {found === null ? (
        <p className="jp-Containerize-note">
          {trans.__('Open the notebook to check its cell tags.')}
        </p>
      ) : (
        <>
          {!found.hasParameters && (
            <p className="jp-Containerize-note">
              {trans.__(
                'No cell is tagged "%1": every request runs the whole notebook with no parameters.',
                PARAMETERS_TAG
              )}
            </p>
          )}
          {found.outputCells === 0 ? (
            <div
              className="jp-Containerize-message jp-mod-warning"
              role="status"
            >
              <div>
                {trans.__(
                  'No cell is tagged "%1": the service would answer with no outputs.',
                  OUTPUT_TAG
                )}
              </div>
              {toTag.length > 0 && (
                <Button
                  small
                  className="jp-mod-styled jp-mod-accept jp-Containerize-tagOutput"
                  onClick={() => model.cells?.addTag(toTag, OUTPUT_TAG)}
                >
                  {toTag.length === 1
                    ? trans.__('Tag cell %1 "%2"', toTag[0] + 1, OUTPUT_TAG)
                    : trans.__(
                        'Tag the %1 selected cells "%2"',
                        toTag.length,
                        OUTPUT_TAG
                      )}
                </Button>
              )}
            </div>
          ) : (
            <p className="jp-Containerize-note">
              {trans._n(
                '%1 cell is tagged "%2": its outputs make the response.',
                '%1 cells are tagged "%2": their outputs make the response.',
                found.outputCells,
                OUTPUT_TAG
              )}
            </p>
          )}
        </>
      )}
    </div>
  );
}
