import { TranslationBundle } from '@jupyterlab/translation';
import { Button, launchIcon } from '@jupyterlab/ui-components';
import * as React from 'react';

import { ContainerizeModel } from '../model';
import { IBinderFileChange } from '../types';
import { BinderHubBuildCard } from './BinderHubBuildCard';
import { CopyField } from './CopyField';
import { ErrorMessage } from './ErrorMessage';

/** The launch link, its badge and the files Binder reads. */
export function BinderLinks(props: {
  url?: string | null;
  badgeMarkdown?: string | null;
  files?: Array<string | IBinderFileChange>;
  trans: TranslationBundle;
}): JSX.Element {
  const { url, badgeMarkdown, files, trans } = props;
  return (
    <>
      <h4 className="jp-Containerize-subTitle">{trans.__('Binder')}</h4>
      {url && (
        <a
          className="jp-Containerize-link"
          href={url}
          target="_blank"
          rel="noopener noreferrer"
        >
          <launchIcon.react tag="span" elementPosition="center" />
          {trans.__('Launch on Binder')}
        </a>
      )}
      {badgeMarkdown && (
        <CopyField
          text={badgeMarkdown}
          what={trans.__('Binder badge (Markdown)')}
          trans={trans}
        />
      )}
      {files && files.length > 0 && (
        <ul className="jp-Containerize-list jp-Containerize-fileList">
          {files.map(file => {
            const path = typeof file === 'string' ? file : file.path;
            const status = typeof file === 'string' ? '' : file.status;
            return (
              <li key={path} className="jp-Containerize-listRow">
                <code className="jp-Containerize-grow jp-Containerize-path">
                  {path}
                </code>
                {status && (
                  <span className="jp-Containerize-muted">{status}</span>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </>
  );
}

const CONFLICT_CODES = ['binder-files-exist', 'binder-conflict'];

/** The Binder target: writes binder/ files beside the notebook instead of building an image. */
export function BinderCard(props: {
  model: ContainerizeModel;
  trans: TranslationBundle;
}): JSX.Element {
  const { model, trans } = props;
  const binder = model.binder;
  const result = binder.result;
  const error = binder.error;
  return (
    <>
      <p className="jp-Containerize-note">
        {trans.__(
          'Writes binder/ files that pin the inspected packages, beside the notebook or at the root of its git repository, and a launch link for the commit you push. Binder files use the inspection as the server sees it; edits made in this panel do not apply.'
        )}
      </p>
      <div className="jp-Containerize-buttons">
        <Button
          className="jp-mod-styled jp-mod-accept"
          disabled={binder.isRunning || !model.spec}
          onClick={() => void binder.share()}
        >
          {binder.isRunning
            ? trans.__('Writing…')
            : trans.__('Write Binder files')}
        </Button>
      </div>
      {error && (
        <ErrorMessage
          error={error}
          title={trans.__('Could not write the Binder files')}
          trans={trans}
        />
      )}
      {error && CONFLICT_CODES.includes(error.code) && (
        <div className="jp-Containerize-buttons">
          <Button
            className="jp-mod-styled jp-mod-warn"
            onClick={() => void binder.share(true)}
          >
            {trans.__('Overwrite them')}
          </Button>
        </div>
      )}
      {result && (
        <div className="jp-Containerize-result">
          <BinderLinks
            url={result.url}
            badgeMarkdown={result.badge_markdown}
            files={result.files}
            trans={trans}
          />
          {(result.warnings ?? []).map((warning, i) => (
            <p
              key={`w${i}`}
              className="jp-Containerize-note jp-Containerize-warnText"
            >
              {warning}
            </p>
          ))}
          {result.next_steps && result.next_steps.length > 0 && (
            <>
              <h4 className="jp-Containerize-subTitle">
                {trans.__('Next steps')}
              </h4>
              <ol className="jp-Containerize-steps">
                {result.next_steps.map((step, i) => (
                  <li key={i}>{step}</li>
                ))}
              </ol>
            </>
          )}
        </div>
      )}
      {(result?.url || model.binderHub.session) && (
        <BinderHubBuildCard model={model} trans={trans} />
      )}
    </>
  );
}
