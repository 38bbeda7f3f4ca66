import { Command } from 'commander';
import { benchmarkCommand } from './benchmark-command.js';
import { demoCommand } from './demo-command.js';
import { evaluateCommand } from './evaluate-command.js';
import { generateCommand } from './generate-command.js';
import { keysCommand } from './keys-command.js';
import { replayCommand } from './replay-command.js';
import { startCommand } from './start-command.js';
import { trainCommand } from './train-command.js';

/** The subcommand being run, to name it in an error. */
let running = '';

/** The `loginguard` command. Each subcommand lives in its own file and returns a commander Command. */
const program = new Command('loginguard')
  .description('Real-time detection of anomalous and malicious logins.')
  .version('0.1.0')
  .showHelpAfterError()
  .hook('preAction', (_program, command) => {
    const names: string[] = [];
    for (let c: Command | null = command; c?.parent; c = c.parent) names.unshift(c.name());
    running = names.join(' ');
    // `loginguard replay … | head` closes the pipe before the output ends: stop quietly, as other
    // command-line tools do, instead of dying on an unhandled EPIPE with a stack trace. Not for the
    // server, whose logs go to stdout: losing them must stay loud.
    if (command.name() === 'start') return;
    process.stdout.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(0);
      throw err;
    });
  });

program.addCommand(generateCommand());
program.addCommand(replayCommand());
program.addCommand(demoCommand());
program.addCommand(startCommand());
program.addCommand(keysCommand());
program.addCommand(trainCommand());
program.addCommand(benchmarkCommand());
program.addCommand(evaluateCommand());

try {
  await program.parseAsync(process.argv);
} catch (err) {
  // Every command's errors end here. Bad input (a flag, a file, a models directory) is said in one
  // line naming the command; a bug in loginguard (TypeError, ReferenceError) keeps its stack trace
  // for the report.
  const bug = !(err instanceof Error) || err instanceof TypeError || err instanceof ReferenceError;
  process.stderr.write(
    bug ? `${String((err as Error)?.stack ?? err)}\n` : `loginguard ${running}: ${err.message}\n`,
  );
  process.exitCode = 1;
}
