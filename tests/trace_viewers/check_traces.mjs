// Reads forkscope's --trace files with trace viewers nobody here wrote, and checks that each finds what
// the file holds: Chrome DevTools' own trace engine (@paulirish/trace_engine) and speedscope's importer
// (its browser bundle, run in Node's vm).
//
//   node check_traces.mjs --viewers DIR --forkscope PATH --out DIR [--time-scale X] [--only ID,ID]
//
// Runs every scenario `forkscope list` names (and a few more shapes: processes, the GIL, a lock) at a small
// time scale with --trace, then for each trace:
// - the file itself: every thread's slices nest (exact arithmetic on the numbers as written), flows come
//   in s/f pairs with unique ids, no process name carries "(pid";
// - DevTools: the same processes (named) and threads; on each thread as many slices and instants as the
//   file has (an event that does not nest, or an instant it does not know, is left out of its tree); one
//   flow per s/f pair, each from a put, send or worker's end to its get, receive or join;
// - speedscope: one profile per thread with slices, as many frames as the file's slices, no warning.
// Exit 0 when every trace passes, 1 when one does not, 77 (skipped) when the viewers are not installed.

import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';

const args = Object.fromEntries(
    process.argv.slice(2).reduce((pairs, a, i, all) => (a.startsWith('--') ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []));
const viewers = args.viewers;
const forkscope = args.forkscope;
const outDir = args.out;
const timeScale = args['time-scale'] ?? '0.02';
if (!viewers || !forkscope || !outDir) {
  console.error('usage: node check_traces.mjs --viewers DIR --forkscope PATH --out DIR [--time-scale X]');
  process.exit(2);
}

const modules = path.join(viewers, 'node_modules');
const engineDir = path.join(modules, '@paulirish', 'trace_engine');
const speedscopeDir = path.join(modules, 'speedscope', 'dist', 'release');
if (!fs.existsSync(path.join(engineDir, 'models', 'trace', 'trace.js')) || !fs.existsSync(speedscopeDir)) {
  // In the form scripts/test.sh collects skip reasons from (GoogleTest's).
  console.log(`[ RUN      ] trace_viewers\ncheck_traces.mjs: Skipped\nthe trace viewers are not installed in ${modules} ` +
              '(the trace_viewers_install test installs them with npm, which needs the npm registry)\n[  SKIPPED ] trace_viewers');
  process.exit(77);
}

// --- The viewers -----------------------------------------------------------------------------------------

// analyze-trace.mjs polyfills DOMRect, which the engine needs outside a browser, when it is imported.
await import(path.join(engineDir, 'analyze-trace.mjs'));
const Trace = await import(path.join(engineDir, 'models', 'trace', 'trace.js'));

async function devtools(traceEvents) {
  const model = Trace.TraceModel.Model.createWithAllHandlers();
  const errors = [];
  const error = console.error;
  console.error = (...a) => errors.push(a.join(' '));
  try {
    await model.parse(structuredClone(traceEvents));
  } finally {
    console.error = error;
  }
  const file = model.parsedTrace();
  return {parsed: file.data ?? file, errors};
}

/// speedscope's importer, from its bundle: run in a vm up to where the app asks for its importers, before
/// it renders (which needs a DOM).
function loadSpeedscope() {
  const file = fs.readdirSync(speedscopeDir).find(f => /^speedscope-.*\.js$/.test(f));
  let source = fs.readFileSync(path.join(speedscopeDir, file), 'utf8');
  const exportsObject = /var (\w+)=\{\};\$l\(\1,\{[^}]*importProfileGroupFromText:\(\)=>/.exec(source);
  const lazyImport = exportsObject &&
      new RegExp(`Promise\\.resolve\\(\\)\\.then\\(\\(\\)=>\\((\\w+)\\(\\),${exportsObject[1]}\\)\\)`).exec(source);
  if (!lazyImport)
    throw new Error(`speedscope's bundle ${file} has changed shape: its importers were not found`);
  source = source.replace(lazyImport[0],
                          `${lazyImport[0]};globalThis.__importers=(${lazyImport[1]}(),${exportsObject[1]});` +
                              'throw new Error("__importers_ready__")');
  const sandbox = {
    warnings: [],
    setTimeout, clearTimeout, TextDecoder, TextEncoder, URL, Promise,
    location: {hash: '', search: '', href: 'http://localhost/', protocol: 'http:'},
    navigator: {userAgent: 'node'},
  };
  sandbox.console = {
    log() {},
    info() {},
    warn: (...a) => sandbox.warnings.push(a.join(' ')),
    error: (...a) => sandbox.warnings.push(a.join(' ')),
  };
  sandbox.window = sandbox;
  sandbox.self = sandbox;
  vm.createContext(sandbox);
  try {
    vm.runInContext(source, sandbox);
  } catch (e) {
    if (!String(e.message).includes('__importers_ready__'))
      throw e;
  }
  return sandbox;
}
const speedscope = loadSpeedscope();

// --- The file's own view ---------------------------------------------------------------------------------

const threadKey = e => `${e.pid}:${e.tid}`;

/// What the trace file holds, counted the way a viewer would see it.
function ownView(traceEvents) {
  const threads = new Map(); // pid:tid -> {slices, instants, name}
  const processNames = new Map();
  const flows = new Map(); // id -> {s, f}
  const problems = [];
  let counters = 0;
  // Where arrows should be, from the instants' names: a put and the get of its message, a send and the
  // receive of it, a worker's end and the join that waited for it — each drawn forwards in time.
  const departures = new Map();
  const arrivalsAt = new Map();
  const flowKey = e => {
    let m = /^(put|get) #(\d+).* \(([^()]*), fill -?\d+\)$/.exec(e.name);
    if (m)
      return [m[1] === 'put', `queue ${m[3]} #${m[2]}`];
    m = /^(send|recv) #(\d+).* \(end (\d+)\)$/.exec(e.name);
    if (m)
      return [m[1] === 'send', `pipe ${m[1] === 'send' ? m[3] : Number(m[3]) ^ 1} #${m[2]}`];
    m = /^end (.*) \((exit -?\d+|SIG\w+|signal \d+)\)$/.exec(e.name);
    if (m)
      return [true, `join ${m[1]}`];
    m = /^joined (.*)$/.exec(e.name);
    if (m)
      return [false, `join ${m[1]}`];
    return null;
  };
  const thread = e => {
    if (!threads.has(threadKey(e)))
      threads.set(threadKey(e), {pid: e.pid, tid: e.tid, slices: [], instants: 0, name: null});
    return threads.get(threadKey(e));
  };
  for (const e of traceEvents) {
    switch (e.ph) {
    case 'M':
      if (e.name === 'process_name')
        processNames.set(e.pid, e.args.name);
      if (e.name === 'thread_name')
        thread(e).name = e.args.name;
      break;
    case 'X': thread(e).slices.push(e); break;
    case 'I':
    case 'i': // the old spelling: DevTools leaves it out
    {
      thread(e).instants++;
      const key = flowKey(e);
      if (key)
        (key[0] ? departures : arrivalsAt).set(key[1], e.ts);
      break;
    }
    case 's':
    case 'f': {
      const flow = flows.get(e.id) ?? {};
      if (flow[e.ph])
        problems.push(`two '${e.ph}' events for flow id ${e.id}`);
      flow[e.ph] = e;
      flows.set(e.id, flow);
      if (e.ph === 'f' && e.bp !== 'e')
        problems.push(`flow ${e.id} ends without "bp":"e"`);
      break;
    }
    case 'C': counters++; break;
    default: problems.push(`an event of phase '${e.ph}' (${e.name})`);
    }
  }
  for (const [id, flow] of flows)
    if (!flow.s || !flow.f)
      problems.push(`flow ${id} has no ${flow.s ? 'end' : 'start'}`);
  for (const [pid, name] of processNames)
    if (/\(pid/.test(name))
      problems.push(`process ${pid}'s name "${name}" holds a pid (viewers add their own)`);
  // Nesting, with the numbers as written: sorted by begin (longest first), each slice must end within the
  // one it begins in.
  for (const t of threads.values()) {
    const sorted = [...t.slices].sort((a, b) => a.ts - b.ts || b.dur - a.dur);
    const stack = [];
    for (const s of sorted) {
      while (stack.length && s.ts >= stack.at(-1).ts + stack.at(-1).dur)
        stack.pop();
      const parent = stack.at(-1);
      if (parent && s.ts + s.dur > parent.ts + parent.dur)
        problems.push(`on ${t.name ?? threadKey(t)}, "${s.name}" at ${s.ts} µs begins inside "${parent.name}" ` +
                      `(${parent.ts}–${parent.ts + parent.dur} µs) and ends after it (${s.ts + s.dur} µs)`);
      stack.push(s);
    }
  }
  const completeFlows = [...flows.values()].filter(f => f.s && f.f).length;
  let expected = 0;
  for (const [key, ts] of arrivalsAt)
    if (departures.has(key) && departures.get(key) <= ts)
      expected++;
  return {threads, processNames, flows: completeFlows, expectedFlows: expected, counters, problems};
}

// --- One trace -------------------------------------------------------------------------------------------

function countNodes(tree) {
  let n = 0;
  const walk = node => {
    n++;
    for (const child of node.children)
      walk(child);
  };
  for (const root of tree.roots)
    walk(root);
  return n;
}

async function check(name, file) {
  const text = fs.readFileSync(file, 'utf8');
  const traceEvents = JSON.parse(text).traceEvents;
  const own = ownView(traceEvents);
  const problems = [...own.problems];
  if (own.flows !== own.expectedFlows)
    problems.push(`the file has ${own.flows} flows for ${own.expectedFlows} messages taken and joins`);
  const withEvents = [...own.threads.values()].filter(t => t.slices.length + t.instants > 0);
  const slices = withEvents.reduce((n, t) => n + t.slices.length, 0);
  const instants = withEvents.reduce((n, t) => n + t.instants, 0);

  // DevTools.
  const {parsed, errors} = await devtools(traceEvents);
  problems.push(...errors.map(e => `DevTools: ${e}`));
  const processes = parsed.Renderer.processes;
  for (const [pid, label] of own.processNames) {
    const named = parsed.Meta.processNames.get(pid)?.args?.name;
    if (named !== label)
      problems.push(`DevTools names process ${pid} "${named}", the file "${label}"`);
  }
  let devtoolsThreads = 0;
  let devtoolsEntries = 0;
  for (const t of withEvents) {
    const thread = processes.get(t.pid)?.threads.get(t.tid);
    const label = `${t.name ?? 'an unnamed thread'} (pid ${t.pid}, tid ${t.tid})`;
    if (!thread) {
      problems.push(`DevTools has no track for ${label}, which has ${t.slices.length} slices and ${t.instants} instants`);
      continue;
    }
    devtoolsThreads++;
    if (thread.name !== t.name)
      problems.push(`DevTools calls ${label} "${thread.name}"`);
    const nodes = countNodes(thread.tree);
    devtoolsEntries += nodes;
    if (nodes !== t.slices.length + t.instants)
      problems.push(`DevTools shows ${nodes} of the ${t.slices.length} slices and ${t.instants} instants of ${label}`);
  }
  const devtoolsFlows = parsed.Flows.flows;
  if (devtoolsFlows.length !== own.flows)
    problems.push(`DevTools finds ${devtoolsFlows.length} flows, the file has ${own.flows}`);
  for (const flow of devtoolsFlows) {
    const [from, to] = [flow[0], flow.at(-1)];
    if (flow.length !== 2 || !/^(put|send|end) /.test(from.name) || !/^(get|recv|joined) /.test(to.name)) {
      problems.push(`DevTools binds a flow from "${from.name}" to "${to.name}" (${flow.length} events)`);
      break;
    }
  }

  // speedscope.
  speedscope.warnings.length = 0;
  const group = await speedscope.__importers.importProfileGroupFromText(path.basename(file), text);
  const sliced = withEvents.filter(t => t.slices.length > 0);
  if (!group)
    problems.push('speedscope did not recognise the file');
  else {
    if (group.profiles.length !== sliced.length)
      problems.push(`speedscope made ${group.profiles.length} profiles for ${sliced.length} threads with slices`);
    for (const profile of group.profiles) {
      const profileName = profile.getName();
      if ((profileName.match(/\(pid/g) ?? []).length !== 1)
        problems.push(`speedscope's profile "${profileName}" names the pid ${(profileName.match(/\(pid/g) ?? []).length} times`);
      const ids = /\(pid (\d+)\), .* \(tid (\d+)\)$/.exec(profileName) ?? /\(pid (\d+), tid (\d+)\)$/.exec(profileName);
      const t = ids && own.threads.get(`${ids[1]}:${ids[2]}`);
      let frames = 0;
      const walk = node => {
        frames++;
        for (const child of node.children)
          walk(child);
      };
      for (const child of profile.appendOrderCalltreeRoot.children)
        walk(child);
      if (t && frames !== t.slices.length)
        problems.push(`speedscope shows ${frames} of the ${t.slices.length} slices of "${profileName}"`);
    }
    problems.push(...speedscope.warnings.map(w => `speedscope: ${w}`));
  }

  const summary = `${own.processNames.size} processes, ${withEvents.length} threads, ${slices} slices, ` +
      `${instants} instants, ${own.flows} flows, ${own.counters} counter samples; DevTools: ` +
      `${devtoolsThreads} threads, ${devtoolsEntries} entries, ${devtoolsFlows.length} flows; speedscope: ` +
      `${group ? group.profiles.length : 0} profiles`;
  return {problems, summary, slices, instants};
}

// --- The runs --------------------------------------------------------------------------------------------

function run(argv) {
  try {
    return {status: 0, stdout: execFileSync(forkscope, argv, {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000})};
  } catch (e) {
    return {status: e.status ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? String(e)};
  }
}

const listed = run(['list']);
if (listed.status !== 0) {
  console.error(`forkscope list failed (${listed.status}): ${listed.stderr}`);
  process.exit(1);
}
const scenarios = listed.stdout.split('\n').map(l => l.split(/\s+/)[0]).filter(Boolean);
if (scenarios.length === 0) {
  console.error('forkscope list named no scenario');
  process.exit(1);
}
// Every scenario as it comes, then shapes that only other parameters show: forked processes (a pid each),
// the GIL with CPU work (hand-overs), the bank with its lock (locks and the GIL's neighbours), pipes and
// queues between processes.
const cases = scenarios.map(id => [id]);
const extra = [
  ['sleepers', '--kind', 'process'],
  ['no-join', '--kind', 'process'],
  ['cpu-vs-io', '--mode', 'processes'],
  ['cpu-vs-io', '--tasks', '3', '--switch-interval', '0.0005'],
  ['bank', '--lock', 'on', '--trials', '1', '--updates', '20'],
  ['producer-consumer', '--kind', 'thread'],
];
for (const c of extra)
  if (scenarios.includes(c[0]))
    cases.push(c);
const only = args.only ? args.only.split(',') : null;

fs.mkdirSync(outDir, {recursive: true});
let failed = 0;
for (const c of cases) {
  const label = c.join(' ');
  if (only && !only.includes(c[0]))
    continue;
  const file = path.join(outDir, `${c.join('_').replace(/[^\w.-]+/g, '')}.json`);
  fs.rmSync(file, {force: true});
  const argv = ['run', ...c, '--time-scale', timeScale, '--trace', file];
  const started = Date.now();
  const r = run(argv);
  const ran = Date.now() - started;
  if (!fs.existsSync(file)) {
    console.log(`FAIL ${label}: forkscope ${argv.join(' ')} exited ${r.status} without a trace: ${r.stderr}`);
    failed++;
    continue;
  }
  const checkStarted = Date.now();
  const {problems, summary: counts} = await check(label, file);
  const summary = `${counts} (run ${ran} ms, read ${Date.now() - checkStarted} ms)`;
  if (problems.length) {
    failed++;
    console.log(`FAIL ${label}: ${summary}`);
    for (const p of problems.slice(0, 12))
      console.log(`    ${p}`);
    if (problems.length > 12)
      console.log(`    … and ${problems.length - 12} more`);
  } else {
    console.log(`ok   ${label}: ${summary}`);
  }
}
console.log(failed ? `${failed} traces failed` : 'every trace read whole by both viewers');
process.exit(failed ? 1 : 0);
