import { describe, expect, it } from 'vitest';
import { locateCommand } from '../../harness/commands.js';

describe('locateCommand', () => {
  it('finds a program on the PATH', async () => {
    await expect(locateCommand({ binary: 'sh', debianPackage: 'dash' })).resolves.toMatch(/\/sh$/);
  });

  it('names the package to install when the program is missing', async () => {
    await expect(
      locateCommand({ binary: 'no-such-program-here', debianPackage: 'no-such-package' }),
    ).rejects.toThrow(
      "no-such-program-here not found: install Debian's no-such-package (apt-get install -y no-such-package)",
    );
  });
});
