import { Command } from 'commander';
import { benchmarkCommand } from './benchmark-command.js';
import { demoCommand } from './demo-command.js';
import { evaluateCommand } from './evaluate-command.js';
import { generateCommand } from './generate-command.js';
import { keysCommand } from './keys-command.js';
import { replayCommand } from './replay-command.js';
import { startCommand } from './start-command.js';
import { trainCommand } from './train-command.js';

/** The `loginguard` command. Each subcommand lives in its own file and returns a commander Command. */
const program = new Command('loginguard')
  .description('Real-time detection of anomalous and malicious logins.')
  .version('0.1.0')
  .showHelpAfterError();

program.addCommand(generateCommand());
program.addCommand(replayCommand());
program.addCommand(demoCommand());
program.addCommand(startCommand());
program.addCommand(keysCommand());
program.addCommand(trainCommand());
program.addCommand(benchmarkCommand());
program.addCommand(evaluateCommand());

await program.parseAsync(process.argv);
