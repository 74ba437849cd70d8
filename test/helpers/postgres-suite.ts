/**
 * A describe block's throwaway PostgreSQL server and fresh RAZOR_HOME: started in beforeAll,
 * stopped and removed in afterAll. Tests only (bench code imports postgres.ts, not this).
 */
import { afterAll, beforeAll } from '@jest/globals';
import { tempHome } from './fixture.js';
import { startPostgres, type PostgresServer } from './postgres.js';

/** What the block's tests use; filled in by beforeAll. */
export interface PostgresSuite {
  server: PostgresServer;
  home: ReturnType<typeof tempHome>;
}

/** Registers the hooks; the returned object holds the server and home once beforeAll ran. */
export function postgresSuite(): PostgresSuite {
  const suite = {} as PostgresSuite;
  beforeAll(async () => {
    suite.server = await startPostgres();
    suite.home = tempHome();
  }, 180_000);
  afterAll(async () => {
    await suite.server?.stop();
    suite.home?.cleanup();
  });
  return suite;
}
