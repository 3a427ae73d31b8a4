// Expand every VEVENT of an iCalendar file with ical.js, as a calendar app built on it would:
// overrides (RECURRENCE-ID) related to their series, EXDATEs left out.
// Usage: node expand.mjs FEED.ics  ->  JSON lines [{uid, start, end, summary, status}]
// (start and end in the event's own zone, as "YYYY-MM-DDTHH:MM:SS").
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const root = new ICAL.Component(ICAL.parse(readFileSync(process.argv[2], "utf8")));
for (const zone of root.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(new ICAL.Timezone(zone));
}
const series = new Map();
const exceptions = [];
for (const component of root.getAllSubcomponents("vevent")) {
  const event = new ICAL.Event(component);
  if (event.isRecurrenceException()) exceptions.push(event);
  else series.set(event.uid, event);
}
for (const exception of exceptions) series.get(exception.uid).relateException(exception);

const out = [];
const shown = (item, start, end) => ({
  uid: item.uid,
  start: start.toString(),
  end: end.toString(),
  summary: item.summary,
  status: item.component.getFirstPropertyValue("status"),
});
for (const event of series.values()) {
  if (!event.isRecurring()) {
    out.push(shown(event, event.startDate, event.endDate));
    continue;
  }
  const iterator = event.iterator();
  for (let next = iterator.next(), n = 0; next && n < 1000; next = iterator.next(), n++) {
    const details = event.getOccurrenceDetails(next);
    out.push(shown(details.item, details.startDate, details.endDate));
  }
}
out.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
process.stdout.write(JSON.stringify(out));
