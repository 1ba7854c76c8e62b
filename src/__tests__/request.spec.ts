import { ServerConnection } from '@jupyterlab/services';

import {
  asResponseError,
  fileNameFromDisposition,
  requestAPI,
  requestFile,
  ResponseError
} from '../request';

// Only the transport is faked: every answer below goes through the real error mapping.
jest.mock('@jupyterlab/services', () => ({
  ServerConnection: {
    makeSettings: () => ({ baseUrl: 'http://localhost:8888/base/' }),
    makeRequest: jest.fn()
  }
}));

const makeRequest = ServerConnection.makeRequest as unknown as jest.Mock;

function answer(status: number, body: string, statusText = ''): void {
  makeRequest.mockResolvedValueOnce({
    ok: status >= 200 && status < 300,
    status,
    statusText,
    text: async () => body
  });
}

async function failure(endPoint = 'info'): Promise<ResponseError> {
  try {
    await requestAPI(endPoint);
  } catch (error) {
    expect(error).toBeInstanceOf(ResponseError);
    return error as ResponseError;
  }
  throw new Error('requestAPI did not fail');
}

beforeEach(() => {
  makeRequest.mockReset();
});

describe('requestAPI', () => {
  it("calls the endpoint under the server's base URL and returns its JSON", async () => {
    answer(200, '{"version": "0.1.0", "spec_version": 1}');
    const init = { method: 'POST', body: '{}' };
    await expect(requestAPI('inspect', init)).resolves.toEqual({
      version: '0.1.0',
      spec_version: 1
    });
    expect(makeRequest).toHaveBeenCalledWith(
      'http://localhost:8888/base/containerize/inspect',
      init,
      expect.anything()
    );
  });

  it('returns undefined for an empty answer', async () => {
    answer(204, '');
    await expect(requestAPI('builds/b1')).resolves.toBeUndefined();
  });
});

describe('the errors a user sees', () => {
  it("carry the server's code, message, hint and detail", async () => {
    answer(
      409,
      JSON.stringify({
        code: 'engine_unavailable',
        message: 'Docker is not running.',
        hint: 'Start Docker Desktop or the docker service, then build again.',
        detail: { socket: '/var/run/docker.sock' }
      }),
      'Conflict'
    );
    const error = await failure('builds');
    expect(error.status).toBe(409);
    expect(error.code).toBe('engine_unavailable');
    expect(error.message).toBe('Docker is not running.');
    expect(error.hint).toBe(
      'Start Docker Desktop or the docker service, then build again.'
    );
    expect(error.detail).toEqual({ socket: '/var/run/docker.sock' });
  });

  it('use the HTTP status as the code when the server sent none', async () => {
    answer(400, '{"message": "path is required"}', 'Bad Request');
    const error = await failure();
    expect(error.code).toBe('400');
    expect(error.message).toBe('path is required');
    expect(error.hint).toBe('');
  });

  it('say the server extension is missing on a 404 that is not ours', async () => {
    answer(404, '<html><title>404: Not Found</title></html>', 'Not Found');
    const error = await failure('info');
    expect(error.status).toBe(404);
    expect(error.code).toBe('not_found');
    expect(error.message).toBe(
      'The server has no endpoint /base/containerize/info.'
    );
    expect(error.hint).toBe(
      'The containerize server extension is missing, disabled or older than this panel.'
    );
  });

  it("name the status and the path for a proxy's error page", async () => {
    answer(502, '<html>Bad Gateway</html>', 'Bad Gateway');
    const error = await failure('builds');
    expect(error.code).toBe('502');
    expect(error.message).toBe(
      '502 Bad Gateway from /base/containerize/builds.'
    );
    expect(error.hint).toBe('');
  });

  it('do not take a JSON body without a message for a server error', async () => {
    answer(500, '{"code": "boom"}');
    const error = await failure();
    expect(error.code).toBe('500');
    expect(error.message).toBe('500 error from /base/containerize/info.');
  });

  it('say the server could not be reached when the request never got an answer', async () => {
    makeRequest.mockRejectedValueOnce(new TypeError('Failed to fetch'));
    const error = await failure();
    expect(error.status).toBe(0);
    expect(error.code).toBe('network');
    expect(error.message).toBe(
      'The Jupyter server could not be reached: TypeError: Failed to fetch'
    );
  });
});

describe('ResponseError.fullText', () => {
  it('joins message, hint and detail, skipping what is empty', () => {
    expect(new ResponseError(400, 'Bad tag.', 'bad_request').fullText).toBe(
      'Bad tag.'
    );
    expect(
      new ResponseError(500, 'Build failed.', 'build_failed', 'Read the log.')
        .fullText
    ).toBe('Build failed.\n\nRead the log.');
    expect(
      new ResponseError(500, 'Build failed.', 'build_failed', '', 'step 3/5')
        .fullText
    ).toBe('Build failed.\n\nstep 3/5');
  });

  it('shows a structured detail as indented JSON', () => {
    const error = new ResponseError(422, 'Invalid spec.', 'invalid_spec', '', {
      field: 'packages'
    });
    expect(error.fullText).toBe('Invalid spec.\n\n{\n  "field": "packages"\n}');
  });
});

describe('asResponseError', () => {
  it('keeps a ResponseError as it is', () => {
    const error = new ResponseError(404, 'gone', 'not_found');
    expect(asResponseError(error)).toBe(error);
  });

  it('turns anything else into a status-0 error with its message', () => {
    const fromError = asResponseError(new Error('socket closed'));
    expect(fromError).toBeInstanceOf(ResponseError);
    expect([fromError.status, fromError.code, fromError.message]).toEqual([
      0,
      'error',
      'socket closed'
    ]);
    expect(asResponseError('timeout').message).toBe('timeout');
  });
});

describe('requestFile', () => {
  it("returns the bytes and the server's file name", async () => {
    const blob = new Blob(['gz']);
    makeRequest.mockResolvedValueOnce({
      ok: true,
      status: 200,
      headers: new Headers({
        'Content-Type': 'application/gzip',
        'Content-Disposition': 'attachment; filename="sales-context.tar.gz"'
      }),
      blob: async () => blob
    });
    const init = { method: 'POST', body: '{"path": "sales.ipynb"}' };
    await expect(requestFile('context', init)).resolves.toEqual({
      blob,
      fileName: 'sales-context.tar.gz'
    });
    expect(makeRequest).toHaveBeenCalledWith(
      'http://localhost:8888/base/containerize/context',
      init,
      expect.anything()
    );
  });

  it('throws the JSON error of a refused request, like requestAPI', async () => {
    answer(
      400,
      '{"code": "invalid", "message": "Unknown build options: colour."}'
    );
    await expect(requestFile('context')).rejects.toMatchObject({
      status: 400,
      code: 'invalid',
      message: 'Unknown build options: colour.'
    });
  });
});

describe('fileNameFromDisposition', () => {
  it('reads a quoted or a bare file name', () => {
    expect(
      fileNameFromDisposition('attachment; filename="sales-context.tar.gz"')
    ).toBe('sales-context.tar.gz');
    expect(fileNameFromDisposition('attachment; filename=a.tar.gz')).toBe(
      'a.tar.gz'
    );
  });

  it("prefers RFC 5987's filename* and decodes it", () => {
    expect(
      fileNameFromDisposition(
        'attachment; filename="_t_.tar.gz"; filename*=UTF-8\'\'%C3%A9t%C3%A9-context.tar.gz'
      )
    ).toBe('été-context.tar.gz');
  });

  it('keeps only the last path part', () => {
    expect(
      fileNameFromDisposition('attachment; filename="../../etc/x.tar.gz"')
    ).toBe('x.tar.gz');
    expect(fileNameFromDisposition('attachment; filename="..\\\\y.gz"')).toBe(
      'y.gz'
    );
  });

  it('is null without a usable name', () => {
    expect(fileNameFromDisposition(null)).toBeNull();
    expect(fileNameFromDisposition('attachment')).toBeNull();
    expect(fileNameFromDisposition('attachment; filename=".."')).toBeNull();
  });
});
