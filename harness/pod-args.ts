// A pod's `serve` arguments for a process outside a pod: each path under a volume's mount path
// moved to the local directory that stands for that volume, and chosen flags given other values.
// One way for every test that runs the chart's Deployment as a process (netns-plane, RBAC).

/** A volume's mount path in the pod and the local directory that holds its files. */
export type MountedDirectory = readonly [mountPath: string, local: string];

export function podArgs(
  args: readonly string[],
  mounts: readonly MountedDirectory[],
  flags: Record<string, string> = {},
): string[] {
  return args.map((arg) => {
    const [flag, value] = arg.split(/=(.*)/s) as [string, string | undefined];
    if (flags[flag] !== undefined) return `${flag}=${flags[flag]}`;
    const mount = value === undefined ? undefined : mounts.find(([path]) => value.startsWith(`${path}/`));
    return mount ? `${flag}=${mount[1]}${value!.slice(mount[0].length)}` : arg;
  });
}
