import { TranslationBundle } from '@jupyterlab/translation';
import { checkIcon } from '@jupyterlab/ui-components';
import * as React from 'react';

import { sizeText } from '../resultFacts';
import { IBuildResult } from '../types';
import { BinderLinks } from './BinderCard';
import { CopyField } from './CopyField';
import { ManifestList } from './ManifestList';
import { ProjectResult } from './ProjectResult';
import { RepairList } from './RepairList';
import { VerifyTable } from './VerifyTable';

/** The command that runs the image, as the server wrote it. */
function runCommand(result: IBuildResult): string | null {
  for (const key of ['run_command', 'docker_run', 'run']) {
    const value = result[key];
    if (typeof value === 'string' && value) {
      return value;
    }
  }
  return result.tag ? `docker run --rm ${result.tag}` : null;
}

/** What a successful build made. Fields the server did not send are not shown. */
export function ResultCard(props: {
  result: IBuildResult;
  trans: TranslationBundle;
}): JSX.Element {
  const { result, trans } = props;
  const command = runCommand(result);
  const cells = result.verify?.cells ?? [];
  const size = sizeText(result);
  return (
    <div
      className="jp-Containerize-result"
      aria-label={trans.__('Build result')}
    >
      <div className="jp-Containerize-resultTitle">
        <checkIcon.react tag="span" elementPosition="center" />
        <span>{trans.__('Image ready')}</span>
      </div>
      <dl className="jp-Containerize-facts">
        {result.tag && (
          <>
            <dt>{trans.__('Tag')}</dt>
            <dd>
              <code>{result.tag}</code>
            </dd>
          </>
        )}
        {size && (
          <>
            <dt>{trans.__('Size')}</dt>
            <dd>{size}</dd>
          </>
        )}
        {result.digest && (
          <>
            <dt>{trans.__('Digest')}</dt>
            <dd>
              <code className="jp-Containerize-digest" title={result.digest}>
                {result.digest}
              </code>
            </dd>
          </>
        )}
      </dl>
      {command && (
        <>
          <h4 className="jp-Containerize-subTitle">{trans.__('Run it')}</h4>
          <CopyField
            text={command}
            what={trans.__('docker run command')}
            trans={trans}
          />
        </>
      )}
      {result.warnings && result.warnings.length > 0 && (
        <ul className="jp-Containerize-list jp-Containerize-warnings">
          {result.warnings.map((warning, i) => (
            <li key={i} className="jp-Containerize-warnText">
              {warning}
            </li>
          ))}
        </ul>
      )}
      {cells.length > 0 && <VerifyTable cells={cells} trans={trans} />}
      <ProjectResult result={result} trans={trans} />
      {result.repairs && <RepairList repairs={result.repairs} trans={trans} />}
      {result.binder?.url && (
        <BinderLinks
          url={result.binder.url}
          badgeMarkdown={result.binder.badge_markdown}
          files={result.binder.files}
          trans={trans}
        />
      )}
      {result.serve?.curl && (
        <>
          <h4 className="jp-Containerize-subTitle">{trans.__('Call it')}</h4>
          <CopyField
            text={result.serve.curl}
            what={trans.__('curl example')}
            trans={trans}
          />
        </>
      )}
      {result.manifests && result.manifests.length > 0 && (
        <ManifestList manifests={result.manifests} trans={trans} />
      )}
    </div>
  );
}
