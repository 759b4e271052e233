int demo_foreign_answer() { return 42; }
