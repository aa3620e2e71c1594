package jobs

// EventName exposes eventName to the table test.
var EventName = eventName
