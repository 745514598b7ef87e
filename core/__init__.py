"""The ground floor: project plumbing that no domain owns. Imports no app of Suchi."""
