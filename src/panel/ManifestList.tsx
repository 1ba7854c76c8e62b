import { Clipboard } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import {
  Button,
  checkIcon,
  copyIcon,
  downloadIcon
} from '@jupyterlab/ui-components';
import * as React from 'react';

import {
  ApplyWhat,
  applyCommands,
  downloadManifest,
  manifestFileName
} from '../manifests';
import { IManifest } from '../types';
import { CopyField } from './CopyField';

function applyLabel(what: ApplyWhat, trans: TranslationBundle): string {
  switch (what) {
    case 'kserve':
      return trans.__('On KServe, instead of the Deployment and Service:');
    case 'schedule':
      return trans.__('On a schedule, instead of the one-off Job:');
    default:
      return trans.__('In the folder you downloaded them to:');
  }
}

/** One manifest: its file name and kind, with Copy and Download. */
function ManifestRow(props: {
  manifest: IManifest;
  trans: TranslationBundle;
}): JSX.Element {
  const { manifest, trans } = props;
  const [copied, setCopied] = React.useState(false);
  React.useEffect(() => {
    if (!copied) {
      return;
    }
    const timer = window.setTimeout(() => setCopied(false), 1500);
    return () => window.clearTimeout(timer);
  }, [copied]);
  const name = manifestFileName(manifest.path);
  const copyLabel = trans.__('Copy %1', name);
  const downloadLabel = trans.__('Download %1', name);
  return (
    <li className="jp-Containerize-listRow jp-Containerize-manifest">
      <span className="jp-Containerize-grow">
        <code className="jp-Containerize-path" title={manifest.path}>
          {name}
        </code>
        <span className="jp-Containerize-muted">{manifest.kind}</span>
      </span>
      <Button
        minimal
        small
        className="jp-Containerize-iconButton"
        aria-label={copyLabel}
        title={copied ? trans.__('Copied') : copyLabel}
        onClick={() => {
          Clipboard.copyToSystem(manifest.yaml);
          setCopied(true);
        }}
      >
        {copied ? (
          <checkIcon.react tag="span" elementPosition="center" />
        ) : (
          <copyIcon.react tag="span" elementPosition="center" />
        )}
      </Button>
      <Button
        minimal
        small
        className="jp-Containerize-iconButton"
        aria-label={downloadLabel}
        title={downloadLabel}
        onClick={() => downloadManifest(manifest)}
      >
        <downloadIcon.react tag="span" elementPosition="center" />
      </Button>
    </li>
  );
}

/** The Kubernetes manifests of the build (`options.k8s`), and how to apply them. */
export function ManifestList(props: {
  manifests: IManifest[];
  trans: TranslationBundle;
}): JSX.Element {
  const { manifests, trans } = props;
  return (
    <>
      <h4 className="jp-Containerize-subTitle">
        {trans.__('Kubernetes manifests')}
      </h4>
      <ul
        className="jp-Containerize-list jp-Containerize-manifests"
        aria-label={trans.__('Kubernetes manifests')}
      >
        {manifests.map(manifest => (
          <ManifestRow key={manifest.path} manifest={manifest} trans={trans} />
        ))}
      </ul>
      {applyCommands(manifests).map(apply => (
        <React.Fragment key={apply.what}>
          <div className="jp-Containerize-help jp-Containerize-applyLabel">
            {applyLabel(apply.what, trans)}
          </div>
          <CopyField
            text={apply.command}
            what={trans.__('kubectl apply command')}
            trans={trans}
          />
        </React.Fragment>
      ))}
      <p className="jp-Containerize-note">
        {trans.__(
          'Push the image to a registry the cluster can pull from first (the Push option).'
        )}
      </p>
    </>
  );
}
