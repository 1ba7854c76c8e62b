import { Dialog, showDialog } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import { Button } from '@jupyterlab/ui-components';
import * as React from 'react';

import {
  ConfirmFreeSpace,
  EnvironmentsModel,
  environmentsErrorText,
  freeSpaceSummary,
  IFreeSpacePlan,
  imagesToRemove,
  keptText,
  lastUsedText,
  pruneResultText,
  shortName,
  totalText
} from '../environments';
import { formatSize } from '../resultFacts';
import { ServerStatus } from '../serverStatus';
import { IEnvironmentImage } from '../types';
import { Section } from './Section';
import { useSignalRender } from './useSignal';

/**
 * The environment images builds left on the engine: how much, which notebooks use each, when last
 * used, which a tagged image needs; "Free space…" shows what a prune removes, then prunes on yes.
 */
export function EnvironmentsSection(props: {
  model: EnvironmentsModel;
  server: ServerStatus;
  trans: TranslationBundle;
}): JSX.Element {
  const { model, server, trans } = props;
  useSignalRender(model.changed);
  const listing = model.listing.result;
  const busy = model.listing.isRunning || model.freeing.isRunning;
  const error = model.freeing.error ?? model.listing.error;
  const pruned = model.freeing.result;
  return (
    <Section
      title={trans.__('Environment images')}
      badge={listing ? formatSize(listing.total) : undefined}
      defaultOpen={false}
      className="jp-Containerize-environments"
      onOpen={() => void model.refresh({ forget: true })}
    >
      <p className="jp-Containerize-note">
        {listing
          ? totalText(listing, trans)
          : trans.__(
              'The environment images builds left on the container engine.'
            )}
      </p>
      <div className="jp-Containerize-buttons">
        <Button
          small
          className="jp-mod-styled jp-mod-reject"
          disabled={busy}
          title={trans.__(
            'Shows what a prune would remove (least recently used first, never one a tagged image needs), then removes it when you confirm'
          )}
          onClick={() => void model.freeSpace(confirmFreeSpace(trans))}
        >
          {trans.__('Free space…')}
        </Button>
        <Button
          minimal
          small
          className="jp-Containerize-linkButton"
          disabled={busy}
          onClick={() => void model.refresh({ forget: true })}
        >
          {model.listing.isRunning ? trans.__('Listing…') : trans.__('Refresh')}
        </Button>
      </div>
      {model.removing > 0 && (
        <div className="jp-Containerize-loading" role="status">
          <span className="jp-Containerize-spinner" aria-hidden="true" />
          {trans._n(
            'Removing %1 environment image…',
            'Removing %1 environment images…',
            model.removing
          )}
        </div>
      )}
      {error && (
        <p
          className="jp-Containerize-note jp-Containerize-envError"
          role="alert"
          title={error.hint || undefined}
        >
          {environmentsErrorText(error, server.info, trans)}
        </p>
      )}
      {pruned && (
        <div className="jp-Containerize-note" role="status">
          {pruneResultText(pruned, trans)}
          {pruned.problems.map(problem => (
            <div key={problem} className="jp-Containerize-envError">
              {trans.__('Not removed: %1', problem)}
            </div>
          ))}
        </div>
      )}
      {listing && listing.environments.length === 0 && (
        <p className="jp-Containerize-empty">
          {trans.__('Builds left no environment images.')}
        </p>
      )}
      {listing && listing.environments.length > 0 && (
        <ul className="jp-Containerize-envList">
          {listing.environments.map(image => (
            <EnvironmentRow
              key={image.tag}
              image={image}
              overLimit={listing.remove.includes(image.tag)}
              trans={trans}
            />
          ))}
        </ul>
      )}
    </Section>
  );
}

function EnvironmentRow(props: {
  image: IEnvironmentImage;
  overLimit: boolean;
  trans: TranslationBundle;
}): JSX.Element {
  const { image, overLimit, trans } = props;
  return (
    <li className="jp-Containerize-envImage">
      <div className="jp-Containerize-envHead">
        <code className="jp-Containerize-envName" title={image.tag}>
          {shortName(image.tag)}
        </code>
        {overLimit && (
          <span
            className="jp-Containerize-badge jp-mod-warn"
            title={trans.__(
              'Past the limit the admin set: the next build or prune removes it'
            )}
          >
            {trans.__('over limit')}
          </span>
        )}
        <span className="jp-Containerize-envSize">
          {formatSize(image.size)}
        </span>
      </div>
      <div className="jp-Containerize-envMeta">
        {lastUsedText(image, trans)}
        {' · '}
        <span className={image.needed_by ? '' : 'jp-Containerize-envUnused'}>
          {keptText(image, trans)}
        </span>
      </div>
      {image.notebooks.length > 0 && (
        <div
          className="jp-Containerize-envMeta"
          title={image.used_by.join('\n')}
        >
          {trans._n(
            'notebook: %2',
            'notebooks: %2',
            image.notebooks.length,
            image.notebooks.join(', ')
          )}
        </div>
      )}
    </li>
  );
}

/** The dry run in a dialog: what goes and what it frees; true when the user says remove. */
export function confirmFreeSpace(trans: TranslationBundle): ConfirmFreeSpace {
  return async (plan: IFreeSpacePlan) => {
    const count = plan.dryRun.remove.length;
    const result = await showDialog({
      title: trans.__('Free space'),
      body: <FreeSpaceBody plan={plan} trans={trans} />,
      buttons: count
        ? [
            Dialog.cancelButton(),
            Dialog.warnButton({
              label: trans._n('Remove %1 image', 'Remove %1 images', count)
            })
          ]
        : [Dialog.okButton()]
    });
    return count > 0 && result.button.accept;
  };
}

function FreeSpaceBody(props: {
  plan: IFreeSpacePlan;
  trans: TranslationBundle;
}): JSX.Element {
  const { plan, trans } = props;
  const going = imagesToRemove(plan.dryRun);
  return (
    <div className="jp-Containerize-freeSpace">
      <p>{freeSpaceSummary(plan, trans)}</p>
      {going.length > 0 && (
        <ul className="jp-Containerize-envList">
          {going.map(image => (
            <li key={image.tag} className="jp-Containerize-envHead">
              <code className="jp-Containerize-envName" title={image.tag}>
                {shortName(image.tag)}
              </code>
              <span className="jp-Containerize-envMeta">
                {lastUsedText(image, trans)}
              </span>
              <span className="jp-Containerize-envSize">
                {formatSize(image.size)}
              </span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
