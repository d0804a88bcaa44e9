import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { hostname, tmpdir, availableParallelism } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { execa } from 'execa';

/** A one-node Slurm (slurmctld + slurmd) with its own munged, configured and started in a temporary folder. */
export interface SlurmCluster {
  /** Environment for sbatch, squeue and scontrol (SLURM_CONF points at this cluster's slurm.conf). */
  env: Record<string, string>;
  dir: string;
  stop(): Promise<void>;
}

const DAEMONS = ['munged', 'munge', 'slurmctld', 'slurmd', 'sbatch', 'squeue', 'scontrol', 'sinfo'];

/** A TCP port nothing listens on now. */
const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

/** Why this machine cannot run the test's Slurm, or undefined when it can. */
export async function slurmUnavailable(): Promise<string | undefined> {
  for (const bin of DAEMONS)
    if ((await execa('sh', ['-c', `command -v ${bin}`], { reject: false })).exitCode !== 0)
      return `${bin} is not installed (bash scripts/setup.sh installs slurm-wlm and munge)`;
  // slurmd starts every job as its user with setuid: it runs as root (as on a cluster's compute nodes).
  if (process.getuid?.() !== 0) return 'slurmd must run as root to start jobs, and this test runs as another user';
  return undefined;
}

/**
 * Start the cluster: a munge key and munged on a socket of its own, a slurm.conf with free ports, one node with
 * this machine's cores, then wait until the node is idle. The daemons are this test's own: nothing under /etc
 * is read or changed.
 */
export async function startSlurm(): Promise<SlurmCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'axhw-slurm-'));
  for (const d of ['munge', 'state', 'spool', 'log']) mkdirSync(join(dir, d), { mode: 0o700 });
  const key = join(dir, 'munge', 'munge.key');
  writeFileSync(key, randomBytes(1024), { mode: 0o600 });
  const socket = join(dir, 'munge', 'munge.sock');
  const [ctldPort, slurmdPort] = [await freePort(), await freePort()];
  const conf = join(dir, 'slurm.conf');
  // slurmctld must run on the host SlurmctldHost names (its short name, as Slurm compares it); the node is ours to name.
  const host = hostname().split('.')[0]!;
  const node = 'axhwnode';
  writeFileSync(
    conf,
    [
      'ClusterName=axhwtest',
      `SlurmctldHost=${host}(127.0.0.1)`,
      `SlurmctldPort=${ctldPort}`,
      `SlurmdPort=${slurmdPort}`,
      'AuthType=auth/munge',
      `AuthInfo=socket=${socket}`,
      'CredType=cred/munge',
      'SlurmUser=root',
      'SlurmdUser=root',
      `StateSaveLocation=${join(dir, 'state')}`,
      `SlurmdSpoolDir=${join(dir, 'spool')}`,
      `SlurmctldPidFile=${join(dir, 'slurmctld.pid')}`,
      `SlurmdPidFile=${join(dir, 'slurmd.pid')}`,
      `SlurmctldLogFile=${join(dir, 'log', 'slurmctld.log')}`,
      `SlurmdLogFile=${join(dir, 'log', 'slurmd.log')}`,
      // No cgroups in a container: track processes by their parent, bind nothing.
      'ProctrackType=proctrack/linuxproc',
      'TaskPlugin=task/none',
      'SelectType=select/cons_tres',
      'SelectTypeParameters=CR_Core',
      'ReturnToService=2',
      'MpiDefault=none',
      'JobAcctGatherType=jobacct_gather/none',
      'AccountingStorageType=accounting_storage/none',
      `NodeName=${node} NodeAddr=127.0.0.1 CPUs=${availableParallelism()} State=UNKNOWN`,
      'PartitionName=axhw Nodes=ALL Default=YES MaxTime=INFINITE State=UP',
      '',
    ].join('\n'),
  );
  const env = { SLURM_CONF: conf };
  const log = (f: string) => (existsSync(join(dir, 'log', f)) ? readFileSync(join(dir, 'log', f), 'utf8').slice(-2000) : '');
  const cluster: SlurmCluster = {
    env,
    dir,
    async stop() {
      await execa('scontrol', ['shutdown'], { env, reject: false });
      await execa('munged', ['-s', '-S', socket], { reject: false });
      for (const pid of ['slurmctld.pid', 'slurmd.pid', join('munge', 'munged.pid')].map((f) => join(dir, f)))
        if (existsSync(pid))
          try {
            process.kill(Number(readFileSync(pid, 'utf8')), 'SIGTERM');
          } catch {
            // already gone
          }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await execa('munged', [
      '-f',
      '-S',
      socket,
      `--key-file=${key}`,
      `--log-file=${join(dir, 'log', 'munged.log')}`,
      `--pid-file=${join(dir, 'munge', 'munged.pid')}`,
      `--seed-file=${join(dir, 'munge', 'munged.seed')}`,
    ]);
    await execa('slurmctld', ['-f', conf], { env });
    await execa('slurmd', ['-f', conf, '-N', node], { env });
    for (let i = 0; ; i++) {
      const s = await execa('sinfo', ['-h', '-o', '%T'], { env, reject: false });
      if (s.exitCode === 0 && s.stdout.trim() === 'idle') break;
      if (i === 60) throw new Error(`the node did not come up: sinfo says '${s.all ?? s.stdout}'`);
      await new Promise((r) => setTimeout(r, 500));
    }
  } catch (e) {
    const detail = `${(e as Error).message}\nslurmctld.log:\n${log('slurmctld.log')}\nslurmd.log:\n${log('slurmd.log')}`;
    await cluster.stop();
    throw new Error(`Slurm did not start: ${detail}`);
  }
  return cluster;
}

/** Wait for a job to leave the queue; its final state (COMPLETED, FAILED, ...) from scontrol. */
export async function waitForJob(c: SlurmCluster, id: string, timeoutMs: number): Promise<string> {
  const t0 = Date.now();
  for (;;) {
    const s = await execa('scontrol', ['show', 'job', id], { env: c.env, reject: false });
    const states = [...s.stdout.matchAll(/JobState=(\w+)/g)].map((m) => m[1]!);
    if (states.length > 0 && states.every((x) => !['PENDING', 'RUNNING', 'CONFIGURING', 'COMPLETING'].includes(x)))
      return states.every((x) => x === 'COMPLETED') ? 'COMPLETED' : states.join(',');
    if (Date.now() - t0 > timeoutMs) return `TIMEOUT (${states.join(',')})`;
    await new Promise((r) => setTimeout(r, 1000));
  }
}
