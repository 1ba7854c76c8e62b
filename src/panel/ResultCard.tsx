import { TranslationBundle } from '@jupyterlab/translation';
import { checkIcon } from '@jupyterlab/ui-components';
import * as React from 'react';

import { IBuildResult, ICellVerifyResult } from '../types';
import { BinderLinks } from './BinderCard';
import { CopyField } from './CopyField';
import { ManifestList } from './ManifestList';
import { RepairList } from './RepairList';

/** 123456789 -> "118 MB". */
export function formatSize(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value >= 10 || unit === 0 ? value.toFixed(0) : value.toFixed(1)} ${units[unit]}`;
}

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
        {typeof result.size === 'number' && (
          <>
            <dt>{trans.__('Size')}</dt>
            <dd>{formatSize(result.size)}</dd>
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

/** Whether the cell's outputs matched the notebook's: true, false, or null when unknown. */
function outputsMatch(cell: ICellVerifyResult): boolean | null {
  return cell.output_match ?? null;
}

function errorText(cell: ICellVerifyResult): string {
  const error = cell.error;
  if (!error) {
    return '';
  }
  if (typeof error === 'string') {
    return error;
  }
  return [error.ename, error.evalue].filter(Boolean).join(': ');
}

function VerifyTable(props: {
  cells: ICellVerifyResult[];
  trans: TranslationBundle;
}): JSX.Element {
  const { cells, trans } = props;
  const bad = (cell: ICellVerifyResult) =>
    cell.status === 'failed' ||
    cell.status === 'timeout' ||
    outputsMatch(cell) === false;
  const failed = cells.filter(bad).length;
  return (
    <>
      <h4 className="jp-Containerize-subTitle">
        {failed
          ? trans._n(
              'Verify: %1 cell differs',
              'Verify: %1 cells differ',
              failed
            )
          : trans.__('Verify: every cell ran as in the notebook')}
      </h4>
      <table className="jp-Containerize-table jp-Containerize-verify">
        <thead>
          <tr>
            <th scope="col">{trans.__('Cell')}</th>
            <th scope="col">{trans.__('Status')}</th>
            <th scope="col">{trans.__('Outputs')}</th>
          </tr>
        </thead>
        <tbody>
          {cells.map(cell => {
            const match = outputsMatch(cell);
            const error = errorText(cell);
            return (
              <tr
                key={cell.index}
                className={bad(cell) ? 'jp-Containerize-mismatch' : undefined}
              >
                <td>{cell.index + 1}</td>
                <td>
                  {cell.status}
                  {error && (
                    <div className="jp-Containerize-cellError">{error}</div>
                  )}
                </td>
                <td>
                  {match === true
                    ? trans.__('match')
                    : match === false
                      ? trans.__('differ')
                      : trans.__('not compared')}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}
