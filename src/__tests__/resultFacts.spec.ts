/**
 * The card, the verify table and the failure say what the server's records say: one size, one
 * cell numbering, and where a failed or cancelled build's image is.
 */
import { BuildSession } from '../buildSession';
import { cellNumber, formatSize, sizeText } from '../resultFacts';
import { IBuildRecord } from '../types';

describe('sizeText', () => {
  it('is the size the log printed', () => {
    expect(sizeText({ size: 726_000_000, size_text: '726 MB' })).toBe('726 MB');
  });

  it('without size_text, the same decimal units (not 1024-based)', () => {
    expect(sizeText({ size: 726_000_000 })).toBe('726 MB');
    expect(formatSize(1_500_000_000)).toBe('1.5 GB');
    expect(formatSize(999)).toBe('999 B');
    expect(sizeText({})).toBeNull();
  });
});

describe('cellNumber', () => {
  it("is the server's 1-based number among all cells", () => {
    // a markdown cell first: code cell index 1 is the notebook's cell 2, as in the log
    expect(cellNumber({ index: 0, cell: 2, status: 'passed' })).toBe(2);
  });

  it('falls back to index + 1 for an older record', () => {
    expect(cellNumber({ index: 3, status: 'passed' })).toBe(4);
  });
});

describe('BuildSession.keptImage', () => {
  const session = (record: Partial<IBuildRecord>) =>
    new BuildSession({
      id: 'k1',
      path: 'a.ipynb',
      record: { id: 'k1', status: 'failed', ...record }
    });

  it('names the kept image and the tag that still names the previous one', () => {
    const failed = session({
      error: {
        code: 'verify-failed',
        message: 'cell 4 failed',
        kept_image: 'a:latest-unverified',
        kept_image_id: 'sha256:new',
        tag: 'a:latest',
        tag_image_id: 'sha256:old'
      }
    });
    expect(failed.keptImage).toEqual({
      image: 'a:latest-unverified',
      tag: 'a:latest',
      previous: 'sha256:old'
    });
    failed.dispose();
  });

  it('a cancelled build too; none when nothing was kept', () => {
    const cancelled = session({
      status: 'cancelled',
      error: { kept_image: 'a:1-unverified', tag: 'a:1', tag_image_id: null }
    });
    expect(cancelled.keptImage).toEqual({
      image: 'a:1-unverified',
      tag: 'a:1',
      previous: null
    });
    const plain = session({ error: { message: 'x', kept_image: null } });
    expect(plain.keptImage).toBeNull();
    cancelled.dispose();
    plain.dispose();
  });
});
