/**
 * zod for the whole worker: `zod/mini`, the tree-shakable build of zod 4 (same core, same issues),
 * which keeps the bundle small. Unlike `zod`, it registers no locale by itself, so English is set
 * here: import zod as `import * as z from "../zod"`, never from the package, and its messages stay
 * the classic ones.
 */

import { en } from "zod/locales";
import { config } from "zod/mini";

config(en());

export * from "zod/mini";
