/**
 * This process as the files that hold credentials need it: temp file and
 * lock names carry the PID, leftovers of a dead PID are removed, and a file
 * must belong to this user.
 */
export interface LocalProcess {
  pid: number;
  /** undefined where there are no POSIX owners (Windows). */
  uid?: number;
  isAlive(pid: number): boolean;
  /** Test-only (STSENV_TEST_PAUSE_BEFORE_RENAME): a FIFO an atomic write waits on before its rename. */
  pauseBeforeRename?: string;
  /** The program's file as started (the bin, dist/stsenv.cjs): --debug frames name its folder. */
  script?: string;
}
