// `npm run verify-audit -- <bundle.json>`: re-verify a signed audit bundle offline
// (docs/audit-bundle.md). Exits 0 when it verifies, 1 when it does not, 2 on wrong use.
import { verifyAuditFile } from './verifyAuditFile.ts';

const outcome = await verifyAuditFile(process.argv[2]);
for (const line of outcome.lines) (outcome.code === 0 ? process.stdout : process.stderr).write(`${line}\n`);
process.exitCode = outcome.code;
