import { describe, expect, it } from 'vitest';
import type { FetchBytes } from '../../../src/lib/core/model-sources';
import { folderFiles, openModelSource } from '../../../src/lib/core/model-sources';

/** A fetch that serves `files` (URL → text) and 404s the rest, recording every URL asked for. */
function fakeFetch(files: Record<string, string>) {
  const asked: string[] = [];
  const fetch: FetchBytes = async (url) => {
    asked.push(url);
    const body = files[url];
    const bytes = new TextEncoder().encode(body ?? 'not found');
    return {
      ok: body !== undefined,
      status: body === undefined ? 404 : 200,
      arrayBuffer: async () => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
    };
  };
  return { fetch, asked };
}

const APP = 'http://app.test/models/';
const HUB = 'https://hub.test/';

describe('openModelSource', () => {
  it("takes the app's public/models/<id>/ when its config.json is there", async () => {
    const { fetch } = fakeFetch({
      [`${APP}tiny/m/config.json`]: '{"model_type":"x"}',
      [`${APP}tiny/m/a.txt`]: 'A',
    });
    const files = await openModelSource(
      { kind: 'id', modelId: 'tiny/m' },
      { appModelsUrl: APP, hubUrl: HUB, fetch },
    );
    expect(files).toMatchObject({ origin: 'app', modelId: 'tiny/m' });
    expect(new TextDecoder().decode(await files.read('a.txt'))).toBe('A');
  });

  it('falls back to the hub, and says where it looked when a file is missing', async () => {
    const { fetch, asked } = fakeFetch({ [`${HUB}o/m/resolve/main/config.json`]: '{}' });
    const files = await openModelSource(
      { kind: 'id', modelId: 'o/m' },
      { appModelsUrl: APP, hubUrl: HUB, fetch },
    );
    expect(files.origin).toBe('hub');
    expect(await files.readJson('config.json')).toEqual({});
    await expect(files.read('onnx/x.onnx')).rejects.toMatchObject({
      name: 'ModelLoadError',
      message: `could not fetch ${HUB}o/m/resolve/main/onnx/x.onnx: HTTP 404`,
    });
    expect(asked[0]).toBe(`${APP}o/m/config.json`);
  });

  it('does not go to the hub when remote loading is off', async () => {
    const { fetch, asked } = fakeFetch({});
    await expect(
      openModelSource({ kind: 'id', modelId: 'o/m', allowRemote: false }, { appModelsUrl: APP, fetch }),
    ).rejects.toMatchObject({ name: 'ModelLoadError', message: expect.stringMatching(/hub is turned off/) });
    expect(asked).toEqual([`${APP}o/m/config.json`]);
  });

  it('takes an HTML page (a SPA fallback) for "not here"', async () => {
    const { fetch } = fakeFetch({
      [`${APP}o/m/config.json`]: '<!doctype html>',
      [`${HUB}o/m/resolve/main/config.json`]: '{}',
    });
    const files = await openModelSource(
      { kind: 'id', modelId: 'o/m' },
      { appModelsUrl: APP, hubUrl: HUB, fetch },
    );
    expect(files.origin).toBe('hub');
  });

  it.each(['', '../etc', 'a/../b', 'a b', '/abs', 'a/b/c/d'])('rejects the model id %j', async (modelId) => {
    const { fetch, asked } = fakeFetch({});
    await expect(
      openModelSource({ kind: 'id', modelId }, { appModelsUrl: APP, fetch }),
    ).rejects.toMatchObject({
      name: 'InvalidChoiceError',
    });
    expect(asked).toEqual([]);
  });
});

/** The app answers (404 for what it does not have); the hub does not answer at all, as when offline. */
function offlineFetch(appFiles: Record<string, string>, hubFailure: unknown) {
  const { fetch: app, asked } = fakeFetch(appFiles);
  const fetch: FetchBytes = async (url) => {
    if (url.startsWith(HUB)) {
      asked.push(url);
      throw hubFailure;
    }
    return app(url);
  };
  return { fetch, asked };
}

describe('openModelSource offline', () => {
  it('a model not in the app whose hub files cannot be fetched is a ModelUnavailableError saying what to do', async () => {
    const { fetch } = offlineFetch({}, new TypeError('Failed to fetch'));
    const files = await openModelSource(
      { kind: 'id', modelId: 'o/m' },
      { appModelsUrl: APP, hubUrl: HUB, fetch },
    );
    const error = await files.readJson('config.json').catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ModelUnavailableError' });
    const { message } = error as Error;
    expect(message).toContain(`model 'o/m' is not in the app (${APP}o/m/)`);
    expect(message).toContain(
      `the Hugging Face hub cannot be reached (${HUB}o/m/resolve/main/config.json: TypeError: Failed to fetch)`,
    );
    expect(message).toContain('npm run models:fetch');
    expect(message).toContain('public/models/');
  });

  it("Node's fetch failure (undici: TypeError 'fetch failed') counts as unreachable too", async () => {
    const { fetch } = offlineFetch({}, new TypeError('fetch failed'));
    const files = await openModelSource(
      { kind: 'id', modelId: 'o/m' },
      { appModelsUrl: APP, hubUrl: HUB, fetch },
    );
    await expect(files.read('onnx/encoder_model.onnx')).rejects.toMatchObject({
      name: 'ModelUnavailableError',
    });
  });

  it('an abort, or a hub that answers 404, is not "unreachable": those stay ModelLoadError', async () => {
    const abort = Object.assign(new Error('The operation was aborted.'), { name: 'AbortError' });
    const aborted = await openModelSource(
      { kind: 'id', modelId: 'o/m' },
      { appModelsUrl: APP, hubUrl: HUB, fetch: offlineFetch({}, abort).fetch },
    );
    await expect(aborted.read('config.json')).rejects.toMatchObject({ name: 'ModelLoadError' });

    const { fetch } = fakeFetch({});
    const missing = await openModelSource(
      { kind: 'id', modelId: 'o/m' },
      { appModelsUrl: APP, hubUrl: HUB, fetch },
    );
    await expect(missing.read('config.json')).rejects.toMatchObject({
      name: 'ModelLoadError',
      message: `could not fetch ${HUB}o/m/resolve/main/config.json: HTTP 404`,
    });
  });
});

describe('folderFiles', () => {
  const bytes = (text: string) => new TextEncoder().encode(text);

  it('drops the picked folder name that every path starts with', async () => {
    const files = folderFiles('vit', { 'vit/config.json': bytes('{}'), 'vit/onnx/e.onnx': bytes('E') });
    expect(await files.readJson('config.json')).toEqual({});
    expect(new TextDecoder().decode(await files.read('onnx/e.onnx'))).toBe('E');
    expect(files).toMatchObject({ origin: 'folder', modelId: 'vit' });
  });

  it('keeps paths that are already relative to the model root', async () => {
    const files = folderFiles('vit', { 'config.json': bytes('{}'), 'onnx/e.onnx': bytes('E') });
    expect(new TextDecoder().decode(await files.read('onnx/e.onnx'))).toBe('E');
  });

  it('names what is missing and what is there', async () => {
    const files = folderFiles('vit', { 'config.json': bytes('[1]') });
    await expect(files.read('tokenizer.json')).rejects.toThrow(
      "the folder 'vit' has no tokenizer.json (it has config.json)",
    );
    await expect(files.readJson('config.json')).rejects.toThrow('vit/config.json must hold a JSON object');
  });
});
