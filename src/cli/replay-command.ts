import { Command } from 'commander';

// Placeholder: replaced by the real command (streams events through assess()).
export function replayCommand(): Command {
  return new Command('replay').description('Score a file of login events and write one assessment per event.');
}
