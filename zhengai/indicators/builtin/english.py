"""The library's definitions in English (口径说明, English): what an English page shows beside an
indicator's English name. The Chinese definition given to ``builtin`` is the authority; these say the
same rule. Like the names, they are data of the library, not gettext strings (the Chinese text is
assembled from shared fragments, so it has no single msgid). ``test_registry`` checks every built-in
indicator has one."""

ON_ROLL = ("On the roll (the registrar's rule): a student is on the roll on a day when they entered by that day "
           "(their enrolment date, or 1 September of their cohort year when it is blank) and their status is enrolled "
           "or suspended, or they left after that day (graduates and students who withdrew are on the roll until they "
           "leave; one without a leaving date is not counted); a window's roll is counted on its first day, and a window "
           "whose first day is after today has no data.")
GRADUATES = ("Graduates a window holds: the academic year Y-(Y+1) and its second term hold the class of Y+1 (who graduate "
             "in it), its first term the class of Y (who graduated the summer before); a calendar year Y holds the class "
             "of Y; a quarter, month, half month or date range holds the latest class graduated by its last day (each "
             "class counted as graduated on 30 June of its year).")
INTAKE = ("Intake a window holds: the academic year Y-(Y+1) and both its terms hold the intake of Y (the new students who "
          "enter in it); a calendar year Y holds the intake of Y; a quarter, month, half month or date range holds the "
          "latest intake entered by its last day (each intake counted as entering on 1 September of its year).")
HELD = ("Sessions held: sessions marked held, or with no status recorded and dated no later than today (sessions after "
        "today are only scheduled); cancelled sessions are not counted.")
NO_RECORD_ZERO = (" A full-time teacher with no record counts 0 (when nobody has a record in the window, the window has "
                  "no data).")
ATTENDED = "records marked present or late ÷ all attendance records × 100"
EMPLOYED = "graduates whose destination is not \u201cawaiting employment\u201d ÷ the class's graduates × 100."
TASKS = ("Average completion (%) of the annual work tasks and department tasks due in the window: each task counts its "
         "latest progress report up to the window's end, 0 without one; a task that repeats every year counts only "
         "this year's round of reports.")
CULTURE = {
    "selfdiag_on_time": ("Quality awareness: of the diagnosis cycles whose self-diagnosis deadline (the cycle's end plus "
                         "the level's self-diagnosis days) falls in the window and has passed, the share whose report was "
                         "first submitted by the deadline × 100."),
    "warnings_acknowledged": ("Quality acceptance: of the warnings opened in the window that are a week old (or already "
                              "handled), the share that someone acknowledged, corrected, resolved or closed within seven "
                              "days × 100."),
    "corrections_worked": "Quality building: of the warnings whose correction started in the window, the share resolved since × 100.",
    "actions_on_time": ("Quality building: of the improvement actions whose due date falls in the window and has passed, "
                        "the share completed by their due date × 100."),
}
WHOLE = {"school": " Counted over the whole school; a window with nothing due has no data.",
         "department": " Counted over the department; a window with nothing due has no data."}
ASPECTS = {"moral": "moral", "intellectual": "intellectual", "physical": "physical",
           "aesthetic": "aesthetic", "labour": "labour"}

DEFINITIONS_EN = {
    # 学校
    "school.students": "Students of the whole school on the roll on the window's first day. " + ON_ROLL,
    "school.attendance_rate": f"In the window, the whole school's {ATTENDED}.",
    "school.pass_rate": "Of the first-sitting grades of the whole school recorded in the window, the passes ÷ the sittings × 100.",
    "school.evaluation_average": "The mean of the student evaluation averages of the school's offerings recorded in the window.",
    "school.enrolment_plan_completion": ("Admissions of the intake the window holds, whole school ÷ that intake's enrolment "
                                         "plan × 100. " + INTAKE),
    "school.student_teacher_ratio": ("Students of the whole school on the roll on the window's first day ÷ the distinct "
                                     "teachers of offerings whose term overlaps the window. " + ON_ROLL),
    "school.dual_qualified_share": "Dual-qualified teachers among the school's full-time teachers ÷ full-time teachers × 100 (as they are now).",
    "school.teacher_training_hours": "The training hours of the school's full-time teachers in the window ÷ the number of full-time teachers.",
    "school.research_outputs": "Research outputs achieved by the school's staff in the window.",
    "school.attrition_rate": ("Of the students on the roll on the window's first day, those who withdrew in the window ÷ "
                              "the students on the roll that day × 100. " + ON_ROLL),
    "school.employment_rate": "Of the whole school's graduates of the class the window holds, the " + EMPLOYED + " " + GRADUATES,
    "school.task_completion": TASKS + " The school: the average over every task due.",
    # 二级学院
    "department.students": "Students of the department's specialties on the roll on the window's first day. " + ON_ROLL,
    "department.attendance_rate": f"In the window, among the students of the department's specialties, the {ATTENDED}.",
    "department.pass_rate": ("Of the first-sitting grades of the department's students recorded in the window, the passes "
                             "÷ the sittings × 100."),
    "department.evaluation_average": ("The mean of the student evaluation averages, recorded in the window, of the offerings "
                                      "of the department's courses."),
    "department.teacher_training_hours": ("The training hours of the department's full-time teachers in the window ÷ its "
                                          "full-time teachers; a department with no training record in the window is not counted."),
    "department.research_outputs": "Research outputs achieved by the department's staff in the window.",
    "department.dual_qualified_share": ("Dual-qualified teachers among the department's full-time teachers ÷ its full-time "
                                        "teachers × 100 (as they are now)."),
    "department.employment_rate": "Of the department's graduates of the class the window holds, the " + EMPLOYED + " " + GRADUATES,
    "department.task_completion": TASKS + " A department: the average over the tasks it leads.",
    # 专业
    "specialty.enrolment_plan_completion": "Admissions of the intake the window holds ÷ that intake's enrolment plan × 100. " + INTAKE,
    "specialty.registration_rate": "Of the admitted applicants of the intake the window holds, those who registered ÷ those admitted × 100. " + INTAKE,
    "specialty.students": "Students of the specialty on the roll on the window's first day. " + ON_ROLL,
    "specialty.student_teacher_ratio": ("Students of the specialty on the roll on the window's first day ÷ the distinct teachers "
                                        "of the specialty's courses in terms overlapping the window. " + ON_ROLL),
    "specialty.dual_qualified_share": ("Of the distinct teachers of the specialty's courses in terms overlapping the window, the "
                                       "dual-qualified ones ÷ all of them × 100."),
    "specialty.teachers": "Distinct teachers of the specialty's courses in terms overlapping the window.",
    "specialty.attrition_rate": ("Of the students on the roll on the window's first day, those who withdrew in the window "
                                 "(status withdrawn, leaving date in the window) ÷ the students on the roll that day × 100. " + ON_ROLL),
    "specialty.pass_rate": "Of the first-sitting grades of the specialty's students recorded in the window, the passes ÷ the sittings × 100.",
    "specialty.attendance_rate": f"In the window, among the specialty's students, the {ATTENDED}.",
    "specialty.certificate_rate": ("Of the students on the roll on the window's first day, those who earned a vocational "
                                   "qualification or 1+X certificate in the window ÷ the students on the roll that day × 100. " + ON_ROLL),
    "specialty.employment_rate": "Of the graduates of the class the window holds, the " + EMPLOYED + " " + GRADUATES,
    "specialty.employment_relevance": ("Of the graduates of the class the window holds who are employed under contract, in "
                                       "flexible employment or self-employed, those working in their field ÷ all of them × 100. " + GRADUATES),
    "specialty.average_salary": ("The average monthly salary of the graduates of the class the window holds who are employed "
                                 "(under contract, flexibly or self-employed) and reported a salary. " + GRADUATES),
    # 课程
    "course.pass_rate": "Of the first-sitting grades of the course's offerings recorded in the window, the passes ÷ the sittings × 100.",
    "course.average_score": "The mean of the first-sitting grades (out of 100) of the course's offerings recorded in the window.",
    "course.evaluation_average": ("The mean of the student evaluation averages of the course's offerings recorded in the "
                                  "window (each offering counted once)."),
    "course.attendance_rate": f"In the window, across the course's offerings, the {ATTENDED}.",
    "course.submission_rate": ("Assignments of the course's offerings due in the window: submissions ÷ (assignments × "
                               "students enrolled) × 100."),
    "course.offerings": "Offerings of the course in terms overlapping the window.",
    "course.students": "Distinct students enrolled in the course's offerings in terms overlapping the window.",
    "course.online_resources": ("Distinct learning objects (videos, quizzes, documents …) the course's online learning "
                                "events in the window touched: how much of the course's online material is in use."),
    "course.online_activity": "Online learning events of the course's offerings in the window.",
    # 教学班
    "offering.attendance_rate": f"In the window, the offering's {ATTENDED}.",
    "offering.absence_rate": ("In the window, the offering's attendance records marked absent ÷ all its attendance records "
                              "× 100 (leave is not absence)."),
    "offering.submission_rate": "Assignments of the offering due in the window: submissions ÷ (assignments × students enrolled) × 100.",
    "offering.interaction": ("Offerings whose term overlaps the window: the offering's online learning events in the window "
                             "÷ its students enrolled."),
    "offering.evaluation_score": "The offering's student evaluation average (out of 100) recorded in the window.",
    "offering.supervisor_score": "The offering's supervisor evaluation average (out of 100) recorded in the window.",
    "offering.pass_rate": "Of the offering's first-sitting grades recorded in the window, the students who passed ÷ the students who sat × 100.",
    "offering.average_score": "The mean of the offering's first-sitting grades (out of 100) recorded in the window.",
    "offering.sessions_held": "Sessions of the offering held in the window. " + HELD,
    # 教师
    "teacher.teaching_hours": "The periods of the sessions held in the window of the offerings the teacher teaches. " + HELD,
    "teacher.courses_taught": "Distinct courses of the offerings the teacher teaches in terms overlapping the window.",
    "teacher.evaluation_average": "The mean of the student evaluation averages, recorded in the window, of the offerings the teacher teaches.",
    "teacher.pass_rate": ("Of the first-sitting grades recorded in the window in the offerings the teacher teaches, the "
                          "passes ÷ the sittings × 100."),
    "teacher.attendance_rate": f"In the window, in the offerings the teacher teaches, the {ATTENDED}.",
    "teacher.research_outputs": ("Research outputs (papers, patents, projects, books and textbooks, technical services) the "
                                 "teacher achieved in the window." + NO_RECORD_ZERO),
    "teacher.training_hours": "The hours of training the teacher attended in the window." + NO_RECORD_ZERO,
    "teacher.enterprise_practice_days": "The days of the teacher's enterprise practice records starting in the window." + NO_RECORD_ZERO,
    "teacher.awards": "Awards, certificates and honorary titles the teacher received in the window." + NO_RECORD_ZERO,
    "teacher.dual_qualified": "Whether the teacher is dual-qualified now: 1 if so, 0 if not (a state, whatever the window).",
    # 学生
    "student.attendance_rate": ("In the window, the student's attendance records marked present or late ÷ all their "
                                "attendance records (leave and absence included) × 100."),
    "student.absent_periods": "The periods the student was marked absent in the window.",
    "student.late_count": "The student's attendance records marked late in the window.",
    "student.leave_periods": "The periods the student was marked on leave in the window.",
    "student.assignment_submission_rate": ("Of the assignments due in the window in the offerings the student takes, the "
                                           "ones the student submitted ÷ all of them × 100."),
    "student.gpa": ("The credit-weighted grade point average (out of 4) of the first-sitting grades recorded in the window. "
                    "A grade out of 100 becomes grade points so: 90 and above is 4.0; from 60 to 90 it is (grade − 50) ÷ 10, "
                    "so 75 is 2.5; a fail is 0."),
    "student.average_score": "The mean of the student's first-sitting grades (out of 100) recorded in the window.",
    "student.failed_courses": "The courses failed at the first sitting among the grades recorded in the window.",
    "student.credits_earned_ratio": ("Planned credits: the credits of the courses of the offerings the student takes in terms "
                                     "overlapping the window; credits earned: the credits earned in those offerings by grades "
                                     "recorded by the window's end (resits included). Credits earned ÷ planned credits × 100."),
    "student.online_activity": "The student's online learning events (viewing, completing, answering, discussing …) in the window.",
    "student.online_minutes": "The minutes of the student's online learning events in the window.",
    "student.fitness_score": ("The mean of the student's fitness test totals in the window (one test a year: over a year, "
                              "that year's result)."),
    **{f"student.activity_hours_{key}": (f"The hours of the student's second-classroom activities of the {label} aspect in the "
                                         "window; a student with second-classroom records in the window but none of this "
                                         "aspect has 0.")
       for key, label in ASPECTS.items()},
    "student.awards": "Skills-competition awards and honorary titles the student received in the window.",
    "student.certificates": "Vocational qualification and 1+X certificates the student earned in the window.",
    # 质量文化
    **{f"{level}.{name}": text + WHOLE[level] for level in WHOLE for name, text in CULTURE.items()},
}
