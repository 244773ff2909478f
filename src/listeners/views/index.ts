// Modal submissions: the approval confirmation dialog, the only one.
export { register } from './approve-confirm';
