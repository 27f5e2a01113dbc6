// Starting, probing and stopping the servers under test. Every server binds 127.0.0.1 only and
// runs in its own process group, which stop() ends by its id.
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

export const API_KEY = 'bench-key';
const TOKEN_SECRET = 'bench-token-secret-0123456789abcdef-0123456789';
const HEAP = process.env.BENCH_HEAP || '2g';
// Extra JVM options for both Java servers (e.g. a GC choice), split on spaces.
const JVM_OPTS = (process.env.BENCH_JVM_OPTS || '').split(' ').filter(Boolean);
// The JDK both Java servers run on (default: the `java` on PATH), e.g. /usr/lib/jvm/temurin-25-jdk-amd64.
const JAVA_HOME = process.env.BENCH_JAVA_HOME || '';
export const JAVA = JAVA_HOME ? path.join(JAVA_HOME, 'bin', 'java') : 'java';

export const SERVERS = {
  'ws-relay': { port: 18090, kind: 'node' },
  socketio: { port: 18091, kind: 'node' },
  hocuspocus: { port: 18092, kind: 'node' },
  'automerge-repo': { port: 18093, kind: 'node' },
  payara: { port: 18080, kind: 'java' },
  wildfly: { port: 9080, kind: 'java' },
};

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function get(port, p) {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: p, timeout: 5000 }, (res) => {
      let body = ''; res.setEncoding('utf8');
      res.on('data', (c) => { body += c; }); res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve({ status: 0, body: '' }));
  });
}

function portFree(port) {
  const out = execFileSync('ss', ['-ltnH'], { encoding: 'utf8' });
  return !out.split('\n').some((l) => new RegExp(`[:.]${port}\\s`).test(l));
}

function childrenOf(pid) {
  try {
    return fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch { return []; }
}

export async function startServer(name, { benchDir, logDir, serversDir, war, extraProps = [] }) {
  const def = SERVERS[name];
  // The idle scenario's floor (bench/floor), deployed beside Tandem at /floor when it was built.
  const floorWar = process.env.BENCH_FLOOR_WAR && fs.existsSync(process.env.BENCH_FLOOR_WAR) ? process.env.BENCH_FLOOR_WAR : null;
  const ports = name === 'wildfly' ? [9080, 10990] : [def.port];
  for (const p of ports) if (!portFree(p)) throw new Error(`port ${p} busy: not starting ${name}`);
  const log = fs.openSync(path.join(logDir, `${name}.log`), 'a');
  // The bench publishes from one connection at up to 1,000 msg/s (rooms): lift the per-connection
  // publish rate limit (default 100/s, burst 200 since the security merge), which would otherwise
  // answer most publishes with rate_limited.
  const props = [`-Dtandem.apiKey=${API_KEY}`, `-Dtandem.tokenSecret=${TOKEN_SECRET}`,
    '-Dtandem.publishRatePerSecond=100000', '-Dtandem.publishBurst=100000',
    // The documents store defaults to an H2 file in ~/.tandem that any other Tandem on this machine
    // (integration tests) may hold locked: the bench uses a private in-memory database.
    `-Dtandem.db.url=jdbc:h2:mem:tandem-bench-${name};DB_CLOSE_DELAY=-1`, ...extraProps];
  let child;
  if (def.kind === 'node') {
    child = spawn(process.execPath, ['--expose-gc', path.join(benchDir, 'peers', `${name}.mjs`), String(def.port)],
      { stdio: ['ignore', log, log], detached: true });
  } else if (name === 'payara') {
    // The server settings bin/run uses (server-config/payara/pre-boot-commands.asadmin: listener on
    // 127.0.0.1, no Hazelcast member, unbounded HTTP worker queue); BENCH_PAYARA_PREBOOT=none leaves them out.
    const preboot = process.env.BENCH_PAYARA_PREBOOT ?? path.join(benchDir, '..', 'server-config', 'payara', 'pre-boot-commands.asadmin');
    const micro = ['--deploy', war, '--contextroot', '/', '--port', String(def.port), '--nocluster'];
    if (floorWar) micro.push('--deploy', `${floorWar}:/floor`);
    if (preboot !== 'none') {
      const file = path.join(logDir, 'pre-boot-commands.asadmin');
      fs.writeFileSync(file, fs.readFileSync(preboot, 'utf8').replaceAll('@BIND@', '127.0.0.1'));
      micro.push('--prebootcommandfile', file);
    }
    child = spawn(JAVA, [`-Xms512m`, `-Xmx${HEAP}`, ...JVM_OPTS, ...props, '-jar', path.join(serversDir, 'payara-micro-6.2025.10.jar'), ...micro],
    { stdio: ['ignore', log, log], detached: true, cwd: serversDir });
  } else if (name === 'wildfly') {
    const home = path.join(serversDir, 'wildfly-39.0.1.Final');
    const deployments = path.join(home, 'standalone', 'deployments');
    fs.copyFileSync(war, path.join(deployments, 'ROOT.war'));
    if (floorWar) fs.copyFileSync(floorWar, path.join(deployments, 'floor.war'));
    else fs.rmSync(path.join(deployments, 'floor.war'), { force: true });
    for (const app of ['ROOT.war', 'floor.war']) {
      for (const marker of ['failed', 'deployed', 'undeployed']) fs.rmSync(path.join(deployments, `${app}.${marker}`), { force: true });
    }
    const javaOpts = `-Xms512m -Xmx${HEAP} ${JVM_OPTS.join(' ')} -Djava.net.preferIPv4Stack=true -Djboss.modules.system.pkgs=org.jboss.byteman -Djava.awt.headless=true`;
    child = spawn(path.join(home, 'bin', 'standalone.sh'), ['-b', '127.0.0.1', '-bmanagement', '127.0.0.1',
      '-Djboss.socket.binding.port-offset=1000', ...props],
    { stdio: ['ignore', log, log], detached: true, env: { ...process.env, JAVA_OPTS: javaOpts, LAUNCH_JBOSS_IN_BACKGROUND: '1', ...(JAVA_HOME ? { JAVA_HOME } : {}) } });
  }
  const started = Date.now();
  const probe = def.kind === 'node' ? '/__mem' : '/api/v1/health';
  let exited = false;
  child.on('exit', () => { exited = true; });
  while (Date.now() - started < 240_000) {
    if (exited) throw new Error(`${name} exited during start; see ${logDir}/${name}.log`);
    const r = await get(def.port, probe);
    if (r.status === 200) break;
    await sleep(500);
  }
  if (Date.now() - started >= 240_000) { await stopPid(child.pid); throw new Error(`${name} did not start in 240 s`); }
  // The process to measure: for WildFly the java child of standalone.sh.
  let pid = child.pid;
  if (name === 'wildfly') {
    const kids = childrenOf(child.pid);
    const java = kids.find((k) => { try { return fs.readFileSync(`/proc/${k}/comm`, 'utf8').startsWith('java'); } catch { return false; } });
    if (java) pid = java;
  }
  // Only the Java servers deploy the floor WAR; a Node peer would be probed for 90 s in vain.
  const floor = floorWar && def.kind !== 'node' ? await floorAnswers(def.port) : false;
  if (floorWar && def.kind !== 'node' && !floor) console.log(`[bench] ${name}: the floor endpoint /floor/echo did not answer; idle runs without it`);
  return { name, port: def.port, kind: def.kind, pid, groupPid: child.pid, startMs: Date.now() - started, floor,
    stop: () => stopPid(child.pid) };
}

/** Whether the floor WAR's echo endpoint is deployed: its upgrade answers 101 (WildFly deploys it after ROOT). */
async function floorAnswers(port) {
  for (let i = 0; i < 60; i++) {
    const ok = await new Promise((resolve) => {
      const req = http.get({ host: '127.0.0.1', port, path: '/floor/echo', timeout: 5000,
        headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==' } });
      req.on('upgrade', (res, socket) => { socket.destroy(); resolve(true); });
      req.on('response', (res) => { res.resume(); resolve(false); });
      req.on('timeout', () => req.destroy());
      req.on('error', () => resolve(false));
    });
    if (ok) return true;
    await sleep(500);
  }
  return false;
}

async function stopPid(groupPid) {
  try { process.kill(-groupPid, 'SIGTERM'); } catch { return; }
  for (let i = 0; i < 100; i++) {
    try { process.kill(-groupPid, 0); } catch { return; }
    await sleep(200);
  }
  try { process.kill(-groupPid, 'SIGKILL'); } catch {}
}

// ---------- measurements of a server process ----------
export function cpuTicks(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]); // utime + stime, in clock ticks (100 Hz)
}

export function rssKb(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : 0;
}

export function loadavg() {
  return fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);
}

/** Heap in use after a full GC, in KB. */
export async function heapKb(server) {
  if (server.kind === 'node') {
    const r = await get(server.port, '/__mem');
    const m = JSON.parse(r.body);
    return { heapKb: Math.round(m.heapUsed / 1024), externalKb: Math.round((m.external + (m.arrayBuffers || 0)) / 1024), rssKb: Math.round(m.rss / 1024) };
  }
  execFileSync('jcmd', [String(server.pid), 'GC.run'], { encoding: 'utf8', timeout: 60000 });
  await sleep(500);
  // "used" counts young regions filled after the collection too (once 12 MB = +2.5 KB/conn over 5,000
  // connections, bench/PROFILING.md "idle3"): collect again, up to 3 times, until at most one is in use.
  let info;
  for (let i = 0; i < 3; i++) {
    execFileSync('jcmd', [String(server.pid), 'GC.run'], { encoding: 'utf8', timeout: 60000 });
    info = execFileSync('jcmd', [String(server.pid), 'GC.heap_info'], { encoding: 'utf8', timeout: 60000 });
    const young = /(\d+) young/.exec(info);
    if (!young || Number(young[1]) <= 1) break;
  }
  // JDK 17: "garbage-first heap   total 524288K, used 47205K"; JDK 25: "total reserved 2097152K, committed 524288K, used 47205K".
  const m = /\bused (\d+)K/.exec(info);
  return { heapKb: m ? Number(m[1]) : null, rssKb: rssKb(server.pid), heapInfo: info.split('\n').slice(1, 4).join(' | ').trim() };
}
