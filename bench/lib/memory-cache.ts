/**
 * A cache in memory with the get/put shape the teacher's evidence cache and the critic's reply cache both take:
 * a bench's models are deterministic, the cache only saves repeated work within one run.
 */
export function memoryCache() {
  const values = new Map<string, unknown>();
  return {
    get: async <T>(key: string): Promise<T | undefined> => values.get(key) as T | undefined,
    put: async (key: string, value: unknown): Promise<void> => void values.set(key, value),
  };
}
