import { Command } from 'commander';

// Placeholder owned by the generator work (src/simulate/): replaced by the real command.
export function generateCommand(): Command {
  return new Command('generate').description('Generate a synthetic, labelled login dataset.');
}
