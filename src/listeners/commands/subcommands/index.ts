// One handler per subcommand; the compiler insists every parsed command has one.
import { cancel } from './cancel';
import { fallback } from './fallback';
import { help } from './help';
import { history } from './history';
import { prep } from './prep';
import { shift } from './shift';
import { plan } from './plan';
import { pause, resume } from './pause-resume';
import { status } from './status';
import type { SubcommandHandlers } from './types';

export const SUBCOMMANDS: SubcommandHandlers = { help, prep, shift, plan, pause, resume, status, fallback, history, cancel };
