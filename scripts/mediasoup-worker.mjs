#!/usr/bin/env node
// Builds mediasoup's C++ worker from the sources inside the npm package, offline.
//
// Why a script of our own: mediasoup 3.8.4's postinstall runs `make -C worker`
// with python2 and fails on current systems, so install scripts are off (.npmrc)
// and `npm start` / `npm test` call this first. The binary is cached outside the
// clone, keyed by mediasoup version and the set of source fixes, so a second
// clone (or a fresh `npm ci`) copies it instead of rebuilding.
//
// Fixes applied to a copy of the worker sources (the package itself is untouched):
//   - gyp: collections.MutableSet -> collections.abc.MutableSet (Python >= 3.10)
//   - abseil: std::max<size_t>(SIGSTKSZ, 65536) (SIGSTKSZ is not constant in glibc >= 2.34)
//   - link the system OpenSSL 3 (-lssl -lcrypto) instead of the vendored 1.1.1k,
//     which is out of support; falls back to the vendored copy, loudly, when the
//     system headers are missing.
//
// Usage: node scripts/mediasoup-worker.mjs [--print-path]
// Env:   MEDIASOUP_WORKER_BIN (use this binary, build nothing), ROUNDTABLE_CACHE_DIR,
//        PYTHON, CXX, MEDIASOUP_OPENSSL=system|vendored (force a mode).
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

const EXPECTED_VERSION = '3.8.4';
const require = createRequire(import.meta.url);

class BuildError extends Error {}

// Throws (rather than exits) so that `finally` blocks release the build lock.
function fail(message) {
  throw new BuildError(message);
}

function log(message) {
  console.log(`[mediasoup-worker] ${message}`);
}

function packageDir() {
  let pkgJson;
  try {
    pkgJson = require.resolve('mediasoup/package.json');
  } catch {
    fail('the mediasoup package is not installed; run `npm ci` first.');
  }
  const version = JSON.parse(fs.readFileSync(pkgJson, 'utf8')).version;
  if (version !== EXPECTED_VERSION) {
    fail(`mediasoup ${version} is installed but this build script is written for ${EXPECTED_VERSION}.`);
  }
  return path.dirname(pkgJson);
}

const COMMON_FIXES = [
  {
    id: 'gyp-collections-abc',
    file: 'deps/gyp/pylib/gyp/common.py',
    from: 'class OrderedSet(collections.MutableSet):',
    to: 'class OrderedSet(collections.abc.MutableSet):',
  },
  {
    id: 'gyp-import-collections-abc',
    file: 'deps/gyp/pylib/gyp/common.py',
    from: '\nimport collections\n',
    to: '\nimport collections\nimport collections.abc\n',
  },
  {
    id: 'abseil-sigstksz',
    file: 'deps/libwebrtc/deps/abseil-cpp/abseil-cpp/absl/debugging/failure_signal_handler.cc',
    from: 'std::max(SIGSTKSZ, 65536)',
    to: 'std::max<size_t>(SIGSTKSZ, 65536)',
  },
];

const SYSTEM_OPENSSL_FIXES = [
  {
    id: 'system-openssl-worker-dep',
    file: 'mediasoup-worker.gyp',
    from: "      'deps/openssl/openssl.gyp:openssl',\n",
    to: '',
  },
  {
    id: 'system-openssl-worker-link',
    file: 'mediasoup-worker.gyp',
    from: "'ldflags': [ '-Wl,--whole-archive <(libopenssl) -Wl,--no-whole-archive' ]",
    to: "'libraries': [ '-lssl', '-lcrypto' ]",
  },
  {
    id: 'system-openssl-libsrtp',
    file: 'deps/libsrtp/libsrtp.gyp',
    from: "            '<(DEPTH)/deps/openssl/openssl.gyp:openssl',\n",
    to: '',
  },
  {
    id: 'system-openssl-usrsctp',
    file: 'deps/usrsctp/usrsctp.gyp',
    from: "      '../openssl/openssl.gyp:openssl',\n",
    to: '',
  },
  {
    id: 'system-openssl-libwebrtc',
    file: 'deps/libwebrtc/libwebrtc.gyp',
    from: ",\n      '../openssl/openssl.gyp:openssl'\n",
    to: '\n',
  },
];

function systemOpenSslAvailable() {
  const headers = ['/usr/include/openssl/ssl.h', '/usr/local/include/openssl/ssl.h'];
  if (!headers.some((h) => fs.existsSync(h))) return false;
  const probe = spawnSync('sh', ['-c', 'echo "int main(void){return 0;}" | ${CC:-cc} -x c - -o /dev/null -lssl -lcrypto'], {
    stdio: 'ignore',
  });
  return probe.status === 0;
}

function chooseOpenSslMode() {
  const forced = process.env.MEDIASOUP_OPENSSL;
  if (forced === 'system' || forced === 'vendored') return forced;
  if (systemOpenSslAvailable()) return 'system';
  console.warn(
    '\n[mediasoup-worker] WARNING: system OpenSSL development files (libssl-dev) not found.\n' +
      '[mediasoup-worker] WARNING: falling back to the OpenSSL 1.1.1k vendored by mediasoup 3.8.4,\n' +
      '[mediasoup-worker] WARNING: which is out of support and has known DTLS-reachable bugs.\n' +
      '[mediasoup-worker] WARNING: install libssl-dev (Debian/Ubuntu) and run `npm run native` again.\n',
  );
  return 'vendored';
}

function cacheRoot() {
  if (process.env.ROUNDTABLE_CACHE_DIR) return process.env.ROUNDTABLE_CACHE_DIR;
  const xdg = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(xdg, 'roundtable');
}

function which(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).stdout.trim();
}

function checkTools(python) {
  const missing = [];
  if (!which('make')) missing.push('make');
  if (!which(process.env.CXX || 'g++')) missing.push(process.env.CXX || 'g++');
  if (!which(process.env.CC || 'cc')) missing.push(process.env.CC || 'cc');
  if (!which(python)) missing.push(python);
  if (missing.length > 0) {
    fail(
      `cannot build the mediasoup worker: missing ${missing.join(', ')}.\n` +
        '  On Debian/Ubuntu: apt-get install -y build-essential python3 libssl-dev\n' +
        '  Or point MEDIASOUP_WORKER_BIN at an already built mediasoup-worker 3.8.4 binary.',
    );
  }
}

function applyFix(workerDir, fix) {
  const file = path.join(workerDir, fix.file);
  const text = fs.readFileSync(file, 'utf8');
  const count = text.split(fix.from).length - 1;
  if (count !== 1) fail(`source fix "${fix.id}" expected one match in ${fix.file}, found ${count}.`);
  fs.writeFileSync(file, text.replace(fix.from, fix.to));
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM'; // exists, owned by someone else
  }
}

// A build takes minutes; a lock older than this belongs to a build that will never finish.
const STALE_LOCK_MS = 60 * 60 * 1000;

// One build at a time per cache entry (e.g. `npm start` and `npm test` at once).
async function acquireLock(lockDir) {
  for (;;) {
    try {
      fs.mkdirSync(lockDir);
      fs.writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
      return () => fs.rmSync(lockDir, { recursive: true, force: true });
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      const owner = Number(fs.readFileSync(path.join(lockDir, 'pid'), { encoding: 'utf8', flag: 'a+' }) || 0);
      const age = Date.now() - fs.statSync(lockDir).mtimeMs;
      if ((owner && !pidAlive(owner)) || (!owner && age > 60_000) || age > STALE_LOCK_MS) {
        fs.rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      log(`another build (pid ${owner || '?'}) is running; waiting for it…`);
      await sleep(5000);
      return null;
    }
  }
}

function formatDuration(ms) {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

function runMake(workerDir, python, logFile) {
  return new Promise((resolve) => {
    const out = fs.openSync(logFile, 'w');
    const env = { ...process.env, PYTHON: python };
    delete env.MEDIASOUP_WORKER_BIN;
    const cores = String(Math.max(1, os.availableParallelism?.() ?? os.cpus().length));
    const child = spawn('make', ['-C', workerDir, `PYTHON=${python}`, `CORES=${cores}`], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const started = Date.now();
    let compiled = 0;
    let last = '';
    const onData = (chunk) => {
      fs.writeSync(out, chunk);
      for (const line of chunk.toString().split('\n')) {
        const m = /^\s*(CXX|CC)\(target\) (.*)$/.exec(line);
        if (m) {
          compiled += 1;
          last = path.basename(m[2]);
        }
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setInterval(() => {
      log(`building… ${compiled} files compiled in ${formatDuration(Date.now() - started)} (last: ${last})`);
    }, 15000);
    child.on('close', (code) => {
      clearInterval(timer);
      fs.closeSync(out);
      resolve({ code, compiled, ms: Date.now() - started });
    });
  });
}

function installInto(pkgDir, binary) {
  const target = path.join(pkgDir, 'worker', 'out', 'Release', 'mediasoup-worker');
  const same =
    fs.existsSync(target) && fs.statSync(target).size === fs.statSync(binary).size &&
    fs.readFileSync(target).equals(fs.readFileSync(binary));
  if (!same) {
    fs.mkdirSync(path.dirname(target), { recursive: true });
    const tmp = `${target}.${process.pid}`;
    fs.copyFileSync(binary, tmp);
    fs.chmodSync(tmp, 0o755);
    fs.renameSync(tmp, target);
  }
  return target;
}

async function main() {
  const printPath = process.argv.includes('--print-path');
  if (process.env.MEDIASOUP_WORKER_BIN) {
    const bin = process.env.MEDIASOUP_WORKER_BIN;
    if (!fs.existsSync(bin)) fail(`MEDIASOUP_WORKER_BIN points at ${bin}, which does not exist.`);
    if (printPath) console.log(bin);
    return;
  }
  const pkgDir = packageDir();
  const mode = chooseOpenSslMode();
  const fixes = mode === 'system' ? [...COMMON_FIXES, ...SYSTEM_OPENSSL_FIXES] : COMMON_FIXES;
  const key = createHash('sha256').update(JSON.stringify({ mode, fixes })).digest('hex').slice(0, 12);
  const entry = path.join(cacheRoot(), 'mediasoup-worker', `${EXPECTED_VERSION}-${mode}-${key}`);
  const cached = path.join(entry, 'mediasoup-worker');

  while (!fs.existsSync(cached)) {
    fs.mkdirSync(path.dirname(entry), { recursive: true });
    const release = await acquireLock(`${entry}.lock`);
    if (!release) continue;
    try {
      if (fs.existsSync(cached)) break;
      const python = process.env.PYTHON || 'python3';
      checkTools(python);
      const buildDir = `${entry}.build-${process.pid}`;
      fs.rmSync(buildDir, { recursive: true, force: true });
      const workerDir = path.join(buildDir, 'worker');
      log(`building mediasoup ${EXPECTED_VERSION} worker (OpenSSL: ${mode}); this takes several minutes once.`);
      log(`build directory: ${buildDir}`);
      fs.cpSync(path.join(pkgDir, 'worker'), workerDir, { recursive: true });
      for (const fix of fixes) applyFix(workerDir, fix);
      const logFile = path.join(buildDir, 'build.log');
      const result = await runMake(workerDir, python, logFile);
      const built = path.join(workerDir, 'out', 'Release', 'mediasoup-worker');
      if (result.code !== 0 || !fs.existsSync(built)) {
        const tail = fs.readFileSync(logFile, 'utf8').split('\n').slice(-40).join('\n');
        fail(`make exited with ${result.code}. Last lines of ${logFile}:\n${tail}`);
      }
      fs.mkdirSync(entry, { recursive: true });
      fs.copyFileSync(built, `${cached}.tmp`);
      fs.chmodSync(`${cached}.tmp`, 0o755);
      fs.renameSync(`${cached}.tmp`, cached);
      fs.writeFileSync(
        path.join(entry, 'build-info.json'),
        JSON.stringify({ version: EXPECTED_VERSION, mode, fixes: fixes.map((f) => f.id), builtAt: new Date().toISOString(), seconds: Math.round(result.ms / 1000) }, null, 2),
      );
      fs.rmSync(buildDir, { recursive: true, force: true });
      log(`built in ${formatDuration(result.ms)} (${result.compiled} files); cached at ${cached}`);
    } finally {
      release();
    }
  }
  const installed = installInto(pkgDir, cached);
  if (printPath) console.log(installed);
}

main().catch((err) => {
  console.error(`\n[mediasoup-worker] ERROR: ${err instanceof BuildError ? err.message : err?.stack || err}\n`);
  process.exit(1);
});
