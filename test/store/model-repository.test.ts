import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ModelRepository } from '../../src/store/model-repository.js';
import { openTestDatabase } from './temp-database.js';

let models: ModelRepository;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  const t = await openTestDatabase();
  models = new ModelRepository(t.db);
  cleanup = t.cleanup;
});
afterEach(async () => cleanup());

describe('ModelRepository', () => {
  it('gives the most recently saved version of a model', async () => {
    expect(await models.latest('iforest')).toBeUndefined();
    await models.save('iforest', 'v1', '{"tag":"iforest","n":1}', 100);
    await models.save('iforest', 'v2', '{"tag":"iforest","n":2}', 200);
    await models.save('autoencoder', 'v9', '{"tag":"ae"}', 300);
    expect(await models.latest('iforest')).toEqual({
      name: 'iforest',
      version: 'v2',
      createdAt: 200,
      body: '{"tag":"iforest","n":2}',
    });
    expect((await models.get('iforest', 'v1'))?.body).toBe('{"tag":"iforest","n":1}');
  });

  it('treats saving the same version again as a no-op, and refuses another body under it', async () => {
    await models.save('iforest', 'v1', 'A', 100);
    await models.save('iforest', 'v1', 'A', 500);
    expect((await models.latest('iforest'))?.createdAt).toBe(100);
    await expect(models.save('iforest', 'v1', 'B', 600)).rejects.toThrow(/v1 exists already/);
    expect((await models.get('iforest', 'v1'))?.body).toBe('A');
  });
});
