/**
 * process.env as it was, put back later: the app reads its configuration
 * from the environment, and one spec's settings must not leak into the next.
 */
export function snapshotEnv(): () => void {
  const saved = { ...process.env };
  return () => {
    for (const name of Object.keys(process.env)) {
      if (!(name in saved)) delete process.env[name];
    }
    for (const [name, value] of Object.entries(saved)) {
      if (process.env[name] !== value) process.env[name] = value;
    }
  };
}
