import { isRedacted, placeholders, withPlaceholders } from '../placeholders';

describe('withPlaceholders', () => {
  it('turns a redacted variable into a placeholder named after it', () => {
    const text = withPlaceholders(
      'docker run --rm -p 8888:8888 -e JUPYTER_TOKEN=*** nb:notebook'
    );
    expect(text).toBe(
      'docker run --rm -p 8888:8888 -e JUPYTER_TOKEN=<JUPYTER_TOKEN> nb:notebook'
    );
    expect(isRedacted(text)).toBe(false);
    expect(placeholders(text)).toEqual(['<JUPYTER_TOKEN>']);
  });

  it('names an option’s value after the option, quoted or not', () => {
    expect(withPlaceholders("curl -H 'x' --token '***' http://h")).toBe(
      "curl -H 'x' --token <TOKEN> http://h"
    );
    expect(withPlaceholders('-e API_KEY="***"')).toBe('-e API_KEY=<API_KEY>');
  });

  it('leaves no *** anywhere, and a command without one as it is', () => {
    expect(isRedacted(withPlaceholders('echo *** and ****'))).toBe(false);
    const plain = 'docker run --rm -v "$PWD/out:/home/jovyan/out" r:batch';
    expect(withPlaceholders(plain)).toBe(plain);
    expect(placeholders(plain)).toEqual([]);
  });

  it('lists the server’s own placeholders to fill', () => {
    expect(
      placeholders('docker run -e JUPYTER_TOKEN=<YOUR_TOKEN> x <YOUR_TOKEN>')
    ).toEqual(['<YOUR_TOKEN>']);
  });
});
