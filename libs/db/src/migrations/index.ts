import { Initial1795315174932 } from './1795315174932-initial';

/** Every migration in order. Generate a new one with `npm run db:migration:generate -- <name>` and list it here. */
export const MIGRATIONS = [Initial1795315174932];
