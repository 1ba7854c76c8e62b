import { applyCommands, manifestFileName } from '../manifests';
import { IManifest } from '../types';

const manifest = (path: string, kind: string): IManifest => ({
  path,
  kind,
  yaml: `kind: ${kind}\n`
});

const SERVE = [
  manifest('deployment.yaml', 'Deployment'),
  manifest('service.yaml', 'Service'),
  manifest('kserve/inferenceservice.yaml', 'InferenceService')
];

const BATCH = [
  manifest('job.yaml', 'Job'),
  manifest('cronjob.yaml', 'CronJob'),
  manifest('pvc.yaml', 'PersistentVolumeClaim')
];

describe('manifestFileName', () => {
  it('keeps a plain file name', () => {
    expect(manifestFileName('deployment.yaml')).toBe('deployment.yaml');
  });

  it('folds a folder into the name', () => {
    expect(manifestFileName('kserve/inferenceservice.yaml')).toBe(
      'kserve-inferenceservice.yaml'
    );
  });

  it('never names a folder or a hidden file', () => {
    expect(manifestFileName('../../etc/passwd')).toBe('etc-passwd');
    expect(manifestFileName('.hidden.yaml')).toBe('hidden.yaml');
    expect(manifestFileName('a b?.yaml')).toBe('a-b-.yaml');
    expect(manifestFileName('')).toBe('manifest.yaml');
  });
});

describe('applyCommands', () => {
  it('serve: the Deployment and Service, or KServe instead', () => {
    expect(applyCommands(SERVE)).toEqual([
      {
        what: 'default',
        command: 'kubectl apply -f deployment.yaml -f service.yaml'
      },
      {
        what: 'kserve',
        command: 'kubectl apply -f kserve-inferenceservice.yaml'
      }
    ]);
  });

  it('batch: the claim first, then the Job, or the CronJob instead', () => {
    expect(applyCommands(BATCH)).toEqual([
      { what: 'default', command: 'kubectl apply -f pvc.yaml -f job.yaml' },
      {
        what: 'schedule',
        command: 'kubectl apply -f pvc.yaml -f cronjob.yaml'
      }
    ]);
  });

  it('nothing to apply without manifests', () => {
    expect(applyCommands([])).toEqual([]);
  });
});
