// Reads GIFT on stdin, prints gift-pegjs's parse as JSON (or the syntax error, exit 1).
const parser = require("gift-pegjs");
let text = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { text += chunk; });
process.stdin.on("end", () => {
  try {
    process.stdout.write(JSON.stringify(parser.parse(text)));
  } catch (error) {
    process.stderr.write(String(error.message));
    process.exit(1);
  }
});
