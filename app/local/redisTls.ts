/** A throw-away CA and a server certificate for 127.0.0.1/localhost, made with openssl. */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

export interface RedisCertificates {
  caFile: string;
  certFile: string;
  keyFile: string;
}

/** Valid for 2 days: long enough for any run, short enough to be worthless if leaked. */
const VALID_DAYS = "2";

export function makeRedisCertificates(dir: string): RedisCertificates {
  const run = (args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "ignore" });
  const newKey = ["-newkey", "rsa:2048", "-nodes"];
  run(
    ["req", "-x509", ...newKey, "-days", VALID_DAYS, "-subj", "/CN=test-ca"].concat([
      "-keyout",
      "ca.key",
      "-out",
      "ca.crt",
    ]),
  );
  run(["req", ...newKey, "-subj", "/CN=localhost", "-keyout", "server.key", "-out", "server.csr"]);
  writeFileSync(join(dir, "san.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
  run(
    ["x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key"].concat([
      "-CAcreateserial",
      "-days",
      VALID_DAYS,
      "-extfile",
      "san.ext",
      "-out",
      "server.crt",
    ]),
  );
  return {
    caFile: join(dir, "ca.crt"),
    certFile: join(dir, "server.crt"),
    keyFile: join(dir, "server.key"),
  };
}
