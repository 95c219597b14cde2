import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../shared/config.js';

function problems(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.message;
  }
  assert.fail('expected a ConfigError');
}

describe('configuration', () => {
  it('needs nothing: embedded defaults', () => {
    const config = loadConfig({});
    assert.equal(config.http.port, 3000);
    assert.equal(config.database.url, undefined);
    assert.match(config.database.pgliteDir, /data[/\\]pg$/);
    assert.equal(config.redis.url, undefined);
    assert.equal(config.auth.accessTtlSeconds, 900);
    assert.equal(config.auth.refreshTtlSeconds, 30 * 24 * 3600);
    assert.equal(config.auth.key.alg, 'HS256');
    assert.deepEqual(config.http.allowedOrigins, ['http://localhost:3000']);
  });

  it('names the variable and the rule for a bad PORT', () => {
    const message = problems({ PORT: 'eighty' });
    assert.match(message, /PORT: must be a port number between 0 and 65535 \(got "eighty"\)/);
    assert.match(problems({ PORT: '70000' }), /PORT/);
  });

  it('names DATABASE_URL and REDIS_URL without echoing their values (they hold passwords)', () => {
    const message = problems({ DATABASE_URL: 'mysql://root:hunter2@db/rt', REDIS_URL: 'http://x' });
    assert.match(message, /DATABASE_URL: must be a URL like postgres:\/\//);
    assert.match(message, /REDIS_URL: must be a URL like redis:\/\//);
    assert.ok(!message.includes('hunter2'));
  });

  it('takes numbers only as plain decimals', () => {
    assert.match(problems({ PORT: ' 80' }), /PORT/);
    assert.match(problems({ PORT: '0x50' }), /PORT/);
    assert.match(problems({ UPLOAD_MAX_FILES: '1e2' }), /UPLOAD_MAX_FILES/);
    assert.equal(loadConfig({ PORT: '8080' }).http.port, 8080);
  });

  it('refuses TRUST_PROXY=true (clients could pick their IP) and garbage, accepts hops and subnets', () => {
    assert.match(problems({ TRUST_PROXY: 'true' }), /TRUST_PROXY: .*forge/);
    assert.match(problems({ TRUST_PROXY: 'yes please' }), /TRUST_PROXY/);
    assert.equal(loadConfig({ TRUST_PROXY: '1' }).http.trustProxy, 1);
    assert.deepEqual(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }).http.trustProxy, ['loopback', '10.0.0.0/8']);
  });

  it('requires a shared JWT secret or key pair when several nodes share Redis', () => {
    assert.match(problems({ REDIS_URL: 'redis://127.0.0.1:6379' }), /JWT_SECRET: must be set \(the same on every node\)/);
    assert.equal(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379', JWT_SECRET: 'y'.repeat(40) }).redis.url, 'redis://127.0.0.1:6379');
  });

  it('lists every problem at once', () => {
    const message = problems({ PORT: '-1', LOG_LEVEL: 'loud', JWT_SECRET: 'short', ALLOWED_ORIGINS: 'https://ok.example,not a url' });
    for (const name of ['PORT', 'LOG_LEVEL', 'JWT_SECRET']) assert.match(message, new RegExp(name));
    assert.ok(!message.includes('short'), 'secret value not echoed');
  });

  it('checks origins and key pairs', () => {
    assert.match(problems({ ALLOWED_ORIGINS: 'https://club.example.org/path' }), /ALLOWED_ORIGINS/);
    assert.match(problems({ JWT_PRIVATE_KEY_FILE: '/x.pem' }), /set both/);
    assert.deepEqual(loadConfig({ ALLOWED_ORIGINS: 'https://a.example, https://b.example' }).http.allowedOrigins, ['https://a.example', 'https://b.example']);
  });
});
