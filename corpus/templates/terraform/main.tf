# Terraform: every way aws_sfn_state_machine takes its definition.
resource "aws_sfn_state_machine" "heredoc" {
  name     = "heredoc"
  role_arn = aws_iam_role.sfn.arn
  definition = <<EOF
{
  "StartAt": "Load",
  "States": {
    "Load": {
      "Type": "Task",
      "Resource": "${aws_lambda_function.load.arn}",
      "TimeoutSeconds": ${var.timeout},
      "Next": "Loaded"
    }
  }
}
EOF
}

resource "aws_sfn_state_machine" "encoded" {
  name     = "encoded"
  role_arn = aws_iam_role.sfn.arn
  definition = jsonencode({
    StartAt = "Check"
    States = {
      Check = {
        Type    = "Choice"
        Choices = [{ Variable = "$.ok", BooleanEquals = true, Next = "Fine" }]
      }
      Fine = { Type = "Succeed" }
    }
  })
}

resource "aws_sfn_state_machine" "templated" {
  name       = "templated"
  role_arn   = aws_iam_role.sfn.arn
  definition = templatefile("${path.module}/statemachine/flow.json", {
    WorkerArn = aws_lambda_function.worker.arn
    Bucket    = "reports"
  })
}

data "template_file" "legacy" {
  template = file("${path.module}/statemachine/flow.json")
  vars = {
    WorkerArn = aws_lambda_function.worker.arn
  }
}

resource "aws_sfn_state_machine" "legacy" {
  name       = "legacy"
  role_arn   = aws_iam_role.sfn.arn
  definition = data.template_file.legacy.rendered
}

resource "aws_sfn_state_machine" "from_variable" {
  name       = "from-variable"
  role_arn   = aws_iam_role.sfn.arn
  definition = var.definition
}
# Deliberately broken: a state goes to a state that does not exist (heredoc form)
