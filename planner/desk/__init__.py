"""The organiser's desk (工作台): what needs doing today for the organisations one acts for."""
